import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { pickBridge } from './bridge/pick-bridge.ts';
import './grid/grid-setup.ts';
import { AppProvider } from './state/app-context.tsx';
import { ThemeProvider } from './state/theme.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <ThemeProvider>
      <AppProvider bridge={pickBridge()}>
        <App />
      </AppProvider>
    </ThemeProvider>
  </StrictMode>,
);
