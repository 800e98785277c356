import type { TrunklineBridge } from '../core/api/bridge.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser, where the HTTP bridge is used. */
    trunkline?: TrunklineBridge;
  }
}
