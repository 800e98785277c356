import type { DroppedFile, PickedFile, TrunklineBridge } from '../../core/api/bridge.ts';
import type { Args, MethodName, Output } from '../../core/api/contract.ts';
import type { EngineEvent } from '../../core/api/events.ts';
import type { Result } from '../../core/api/result.ts';

/**
 * The bridge to the web host (`trunkline serve`): RPC over POST /rpc, engine events as
 * server-sent events, uploads for input files, a server-side folder for exports and a download
 * to hand them over. URLs are relative so the bundle works wherever the host mounts it.
 */
export function createHttpBridge(base = './'): TrunklineBridge {
  const url = (path: string) => new URL(path, new URL(base, document.baseURI)).toString();
  const listeners = new Set<(e: EngineEvent) => void>();
  let source: EventSource | null = null;

  const openEvents = () => {
    source = new EventSource(url('events'));
    source.onmessage = (m: MessageEvent<string>) => {
      let event: EngineEvent;
      try {
        event = JSON.parse(m.data) as EngineEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(event);
    };
  };

  const getJson = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(url(path), init);
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}: ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };

  const upload = async (file: DroppedFile): Promise<PickedFile> =>
    getJson<PickedFile>(`upload?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: await file.arrayBuffer(),
    });

  return {
    host: 'web',

    async dispatch<M extends MethodName>(method: M, args: Args<M>): Promise<Result<Output<M>>> {
      try {
        return await getJson<Result<Output<M>>>('rpc', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ method, args }),
        });
      } catch (e) {
        // Calls never throw across the bridge: a host that cannot be reached is an answer too.
        return { ok: false, error: { code: 'INTERNAL_ERROR', message: `The Trunkline host could not be reached (${(e as Error).message}).`, details: { unreachable: true } } };
      }
    },

    onEvent(listener) {
      listeners.add(listener);
      if (!source) openEvents();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },

    openFile({ extensions }) {
      return new Promise<PickedFile | null>((resolve, reject) => {
        const input = document.createElement('input');
        input.type = 'file';
        input.accept = extensions.map((e) => `.${e.replace(/^\./, '')}`).join(',');
        input.style.display = 'none';
        const done = () => input.remove();
        input.addEventListener('cancel', () => {
          done();
          resolve(null);
        });
        input.addEventListener('change', () => {
          const file = input.files?.[0];
          done();
          if (!file) resolve(null);
          else upload(file).then(resolve, reject);
        });
        document.body.append(input);
        input.click();
      });
    },

    droppedFile: upload,

    async saveTarget(suggestedName) {
      const r = await getJson<{ path: string }>(`export-target?name=${encodeURIComponent(suggestedName)}`);
      return r.path;
    },

    async deliver(path) {
      const a = document.createElement('a');
      a.href = url(`download?path=${encodeURIComponent(path)}`);
      a.download = path.split(/[\\/]/).pop() ?? 'export';
      a.style.display = 'none';
      document.body.append(a);
      a.click();
      a.remove();
    },
  };
}
