import type { ErrorBody } from '../../core/api/errors.ts';
import { isDatabaseError, plainText } from '../errors.ts';

export function FatalScreen({ error, onRetry }: { error: ErrorBody; onRetry: () => void }) {
  const db = isDatabaseError(error.code);
  return (
    <div className="fatal" data-testid="fatal-screen" role="alert">
      <div className="fatal-card">
        <h1>{db ? 'The workspace cannot be opened' : 'Trunkline cannot start'}</h1>
        <p className="fatal-text">{plainText(error)}</p>
        <p className="muted">Nothing was changed. {db ? 'Open another workspace, or restore this one from a backup.' : ''}</p>
        <details>
          <summary>Technical details</summary>
          <pre className="mono">{error.code}: {error.message}</pre>
        </details>
        <button type="button" className="btn primary" onClick={onRetry}>Try again</button>
      </div>
    </div>
  );
}
