import type { TrunklineBridge } from '../../core/api/bridge.ts';
import { createHttpBridge } from './http-bridge.ts';

/** Electron's preload sets window.trunkline; anywhere else the renderer talks HTTP to the web host. */
export function pickBridge(): TrunklineBridge {
  return window.trunkline ?? createHttpBridge();
}
