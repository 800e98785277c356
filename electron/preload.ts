// The one preload: sandboxed, so it may require only electron's renderer modules. It exposes one
// typed global, window.trunkline, over the fixed channels in channels.ts; nothing of ipcRenderer
// itself reaches the page.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { DroppedFile, PickedFile, TrunklineBridge } from '../core/api/bridge.ts';
import type { EngineEvent } from '../core/api/events.ts';
import { EVENT_CHANNEL, INVOKE_CHANNELS } from './channels.ts';

// Subscribed from the first moment: a shell event sent while the page is still starting (a deck
// passed on the command line) waits here for the page's first listener instead of being lost.
const listeners = new Set<(e: EngineEvent) => void>();
const early: EngineEvent[] = [];
const deliver = (listener: (e: EngineEvent) => void, event: EngineEvent): void => {
  try {
    listener(event);
  } catch (e) {
    console.error('trunkline: an event listener failed', e);
  }
};
ipcRenderer.on(EVENT_CHANNEL, (_e: IpcRendererEvent, event: EngineEvent) => {
  if (listeners.size === 0) {
    if (early.length < 20) early.push(event);
    return;
  }
  for (const listener of listeners) deliver(listener, event);
});

const bridge: TrunklineBridge = {
  host: 'electron',
  dispatch: (method, args) => ipcRenderer.invoke(INVOKE_CHANNELS.dispatch, { method, args }),
  onEvent(listener) {
    listeners.add(listener);
    const waiting = early.splice(0);
    if (waiting.length) setTimeout(() => waiting.forEach((event) => deliver(listener, event)), 0);
    return () => {
      listeners.delete(listener);
    };
  },
  openFile: (options) => ipcRenderer.invoke(INVOKE_CHANNELS.openFile, { title: options.title, extensions: options.extensions }),
  async droppedFile(file: DroppedFile): Promise<PickedFile> {
    // The path of a File from a drop or a file input; '' for one that is not on disk.
    const path = webUtils.getPathForFile(file as unknown as File);
    if (!path) throw new Error(`${file.name} is not a file on this computer`);
    // Main lets the engine read only files the person chose: tell it about this one.
    return ipcRenderer.invoke(INVOKE_CHANNELS.openFile, { dropped: path });
  },
  saveTarget: (suggestedName) => ipcRenderer.invoke(INVOKE_CHANNELS.saveTarget, suggestedName),
  deliver: (path) => ipcRenderer.invoke(INVOKE_CHANNELS.deliver, path),
};

contextBridge.exposeInMainWorld('trunkline', bridge);
