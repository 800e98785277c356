import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { darkGridTheme, lightGridTheme } from '../grid/grid-setup.ts';

export type ThemeName = 'light' | 'dark';
const KEY = 'trunkline.theme';

function initialTheme(): ThemeName {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

interface ThemeApi {
  theme: ThemeName;
  toggle(): void;
  gridTheme: typeof lightGridTheme;
}

const Ctx = createContext<ThemeApi | null>(null);

export function ThemeProvider({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useState<ThemeName>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
    localStorage.setItem(KEY, theme);
  }, [theme]);
  const api: ThemeApi = {
    theme,
    toggle: () => setTheme((t) => (t === 'light' ? 'dark' : 'light')),
    gridTheme: theme === 'dark' ? darkGridTheme : lightGridTheme,
  };
  return <Ctx.Provider value={api}>{children}</Ctx.Provider>;
}

export function useTheme(): ThemeApi {
  const api = useContext(Ctx);
  if (!api) throw new Error('useTheme outside ThemeProvider');
  return api;
}
