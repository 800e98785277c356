import { useEffect, useId, useState } from 'react';
import type { Carrier } from '../../../core/api/contract.ts';
import { useApp } from '../../state/app-context.tsx';
import { LcrMatrixView } from './LcrMatrixView.tsx';
import { LcrTableView } from './LcrTableView.tsx';
import { LcrWhatIfView } from './LcrWhatIfView.tsx';

type Tab = 'table' | 'matrix' | 'whatif';
const TABS: { id: Tab; label: string }[] = [
  { id: 'table', label: 'LCR table' },
  { id: 'matrix', label: 'Rate matrix' },
  { id: 'whatif', label: 'What-if' },
];

/** Least-cost routing: the table with margins and flags, the vendors' rate matrix, and what routing by it would have saved. */
export function LcrScreen() {
  const { call, notifyError } = useApp();
  const ids = useId();
  const [tab, setTab] = useState<Tab>('table');
  const [carriers, setCarriers] = useState<Carrier[]>([]);

  useEffect(() => {
    call('carriers.list', {}).then(setCarriers, notifyError);
  }, [call, notifyError]);

  return (
    <section className="screen" aria-labelledby={`${ids}-title`}>
      <div className="screen-head">
        <h1 id={`${ids}-title`}>Least-cost routing</h1>
        <div className="tabs" role="tablist" aria-label="LCR views">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`${ids}-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`${ids}-panel`}
              className={`tab${tab === t.id ? ' active' : ''}`}
              data-testid={`lcr-tab-${t.id}`}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
      </div>
      <div id={`${ids}-panel`} role="tabpanel" aria-labelledby={`${ids}-tab-${tab}`} className="tab-panel">
        {tab === 'table' && <LcrTableView carriers={carriers} />}
        {tab === 'matrix' && <LcrMatrixView />}
        {tab === 'whatif' && <LcrWhatIfView carriers={carriers} />}
      </div>
    </section>
  );
}
