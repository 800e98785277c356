import type { Args, MethodName, Output } from './contract.ts';
import type { HostEvent } from './events.ts';
import type { Result } from './result.ts';

/**
 * What the renderer sees of its host: the Electron preload exposes one of these as
 * `window.trunkline`; in a browser the web host's HTTP bridge implements the same. The renderer
 * picks one at start and never knows more.
 */
export interface TrunklineBridge {
  readonly host: 'electron' | 'web';
  dispatch<M extends MethodName>(method: M, args: Args<M>): Promise<Result<Output<M>>>;
  /** Subscribes to engine events (job progress) and the desktop shell's; returns the unsubscribe function. */
  onEvent(listener: (e: HostEvent) => void): () => void;
  /** Asks the person for an input file (a native dialog, or an upload); null if they cancel. */
  openFile(options: { title: string; extensions: string[] }): Promise<PickedFile | null>;
  /** A file dropped on the window, made available to the engine (its path, or an upload). */
  droppedFile(file: DroppedFile): Promise<PickedFile>;
  /** Where an export should be written: a native save dialog, or a server-side folder; null if cancelled. */
  saveTarget(suggestedName: string): Promise<string | null>;
  /** Hands a written export to the person: nothing more on the desktop, a download in a browser. */
  deliver(path: string): Promise<void>;
}

/** A file the engine can read: its path where the engine runs, and the name the person knows it by. */
export interface PickedFile {
  path: string;
  name: string;
}

/** The part of a DOM File the bridge needs (core/ is typed without the DOM). */
export interface DroppedFile {
  readonly name: string;
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}
