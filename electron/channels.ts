/**
 * The only IPC channels between the renderer and main. The preload invokes these four; main
 * handles exactly these four, and pushes events on EVENT_CHANNEL. No other channel exists.
 */
export const INVOKE_CHANNELS = {
  dispatch: 'trunkline:dispatch',
  openFile: 'trunkline:open-file',
  saveTarget: 'trunkline:save-target',
  deliver: 'trunkline:deliver',
} as const;

export type InvokeChannel = (typeof INVOKE_CHANNELS)[keyof typeof INVOKE_CHANNELS];

/** Main → renderer: engine events (job progress) and shell events (menu actions, workspace changes). */
export const EVENT_CHANNEL = 'trunkline:event';
