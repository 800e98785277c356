import { useCallback, useEffect, useState } from 'react';
import type { WorkspaceInfo } from '../core/api/contract.ts';
import type { ErrorBody } from '../core/api/errors.ts';
import { FatalScreen } from './components/FatalScreen.tsx';
import { StatusBar } from './components/StatusBar.tsx';
import { Toasts } from './components/Toasts.tsx';
import { CarriersScreen } from './screens/CarriersScreen.tsx';
import { CdrsScreen } from './screens/cdrs/CdrsScreen.tsx';
import { DecksScreen, type ImportRequest } from './screens/DecksScreen.tsx';
import { LcrScreen } from './screens/lcr/LcrScreen.tsx';
import { RatesScreen } from './screens/RatesScreen.tsx';
import { DisputesScreen } from './screens/recon/DisputesScreen.tsx';
import { InvoicesScreen } from './screens/recon/InvoicesScreen.tsx';
import { ReconcileScreen } from './screens/recon/ReconcileScreen.tsx';
import { SettlementScreen } from './screens/settlement/SettlementScreen.tsx';
import { errorBody, useApp } from './state/app-context.tsx';
import { useTheme } from './state/theme.tsx';

type ScreenId = 'carriers' | 'decks' | 'rates' | 'cdrs' | 'lcr' | 'invoices' | 'reconcile' | 'disputes' | 'settlement';

const SCREENS: { id: ScreenId; label: string; key: string }[] = [
  { id: 'carriers', label: 'Carriers', key: '1' },
  { id: 'decks', label: 'Rate decks', key: '2' },
  { id: 'rates', label: 'Rates', key: '3' },
  { id: 'cdrs', label: 'CDRs', key: '4' },
  { id: 'lcr', label: 'LCR', key: '5' },
  { id: 'invoices', label: 'Invoices', key: '6' },
  { id: 'reconcile', label: 'Reconciliation', key: '7' },
  { id: 'disputes', label: 'Disputes', key: '8' },
  { id: 'settlement', label: 'Settlement', key: '9' },
];

export function App() {
  const { call, bridge, notify } = useApp();
  const { theme, toggle } = useTheme();
  const [info, setInfo] = useState<WorkspaceInfo | null>(null);
  const [fatal, setFatal] = useState<ErrorBody | null>(null);
  const [screen, setScreen] = useState<ScreenId>('carriers');
  const [disputeId, setDisputeId] = useState<number | null>(null);

  const loadInfo = useCallback(() => {
    call('workspace.info', {}).then(
      (i) => { setInfo(i); setFatal(null); },
      (e: unknown) => setFatal(errorBody(e)),
    );
  }, [call]);

  useEffect(loadInfo, [loadInfo]);

  // What the desktop shell asks for (its menu, a deck opened on the app icon); a browser sends none.
  const [importRequest, setImportRequest] = useState<ImportRequest | null>(null);
  useEffect(() => bridge.onEvent((e) => {
    switch (e.type) {
      case 'shell.importDeck':
        setScreen('decks');
        setImportRequest({ file: e.file, nonce: Date.now() });
        break;
      case 'shell.toggleTheme':
        toggle();
        break;
      case 'shell.workspaceChanged':
        window.location.reload();
        break;
      case 'shell.fatal':
        setFatal(e.error);
        break;
      case 'shell.backupTaken':
        notify('info', `A backup was taken (${e.reason}): ${e.file}`);
        break;
      default:
        break;
    }
  }), [bridge, toggle, notify]);

  // Alt+1/2/3/4 switch screens from anywhere, as the nav's accesskeys do in browsers that honour them.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const s = SCREENS.find((x) => x.key === e.key || `Digit${x.key}` === e.code);
      if (!s) return;
      e.preventDefault();
      setScreen(s.id);
      document.getElementById('main')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (fatal) return <FatalScreen error={fatal} onRetry={loadInfo} />;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <div className="brand">Trunkline</div>
        {info?.demo && (
          <span className="demo-badge" data-testid="demo-badge" title="A demo workspace seeded from sample decks: not real data">
            DEMO
          </span>
        )}
        <div className="workspace" title={info?.dbPath}>
          <span className="muted">Workspace</span> <span className="mono">{info?.dbPath ?? '…'}</span>
        </div>
        <div className="spacer" />
        <button
          type="button"
          className="btn ghost"
          data-testid="theme-toggle"
          aria-pressed={theme === 'dark'}
          onClick={toggle}
          title="Switch between light and dark"
        >
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      <nav className="sidenav" aria-label="Screens">
        {SCREENS.map((s) => (
          <button
            key={s.id}
            type="button"
            className={`navlink${screen === s.id ? ' active' : ''}`}
            data-testid={`nav-${s.id}`}
            accessKey={s.key}
            aria-current={screen === s.id ? 'page' : undefined}
            onClick={() => setScreen(s.id)}
          >
            <span>{s.label}</span>
            <kbd>Alt+{s.key}</kbd>
          </button>
        ))}
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        {screen === 'carriers' && <CarriersScreen onChanged={loadInfo} />}
        {screen === 'decks' && <DecksScreen onChanged={loadInfo} importRequest={importRequest} />}
        {screen === 'rates' && <RatesScreen />}
        {screen === 'cdrs' && <CdrsScreen />}
        {screen === 'invoices' && <InvoicesScreen />}
        {screen === 'reconcile' && <ReconcileScreen onOpenDispute={(id) => { setDisputeId(id); setScreen('disputes'); }} />}
        {screen === 'disputes' && <DisputesScreen openId={disputeId} />}
        {screen === 'settlement' && <SettlementScreen />}
        {screen === 'lcr' && <LcrScreen />}
      </main>
      <StatusBar />
      <Toasts />
    </div>
  );
}
