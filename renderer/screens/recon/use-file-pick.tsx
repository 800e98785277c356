import { useRef, useState, type ChangeEvent } from 'react';
import type { PickedFile } from '../../../core/api/bridge.ts';
import { useApp } from '../../state/app-context.tsx';

/** A file for the engine: a native dialog on the desktop, an upload in a browser. */
export function useFilePick(extensions: string[], title: string) {
  const { bridge, notifyError } = useApp();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<PickedFile | null>(null);
  const pick = async () => {
    if (bridge.host === 'web') {
      input.current?.click();
      return;
    }
    try {
      const f = await bridge.openFile({ title, extensions });
      if (f) setFile(f);
    } catch (e) {
      notifyError(e);
    }
  };
  const onInput = (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (f) bridge.droppedFile(f).then(setFile, notifyError);
  };
  const hidden = <input ref={input} type="file" hidden accept={extensions.map((x) => `.${x}`).join(',')} data-testid="file-input" onChange={onInput} />;
  return { file, pick, hidden, setFile };
}

/** Negative variances (we were billed less) and positive ones (more) in their colours. */
export function varianceClass(amount: string): string {
  return amount.startsWith('-') ? 'var-neg' : /^0(\.0*)?$/.test(amount) ? '' : 'var-pos';
}
