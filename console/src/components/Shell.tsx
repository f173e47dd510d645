/** Page frame: skip link, navigation, connection state, theme switch and the error toasts. */
import { useEffect, useState, type ReactNode } from 'react';
import { useStore } from '../api/StoreContext.js';
import { Toasts } from './Toasts.js';

export const PAGES = [
  ['overview', 'Overview'],
  ['speakers', 'Speakers'],
  ['monitor', 'Monitor'],
  ['patch', 'Patch'],
  ['streams', 'Streams'],
  ['player', 'Player'],
  ['ptp', 'PTP'],
  ['network', 'Network'],
  ['system', 'System'],
  ['setup', 'Setup'],
] as const;
export type PageId = (typeof PAGES)[number][0];

type Theme = 'light' | 'dark';
function initialTheme(): Theme {
  const saved = localStorage.getItem('theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function Shell({ page, children }: { page: PageId; children: ReactNode }) {
  const { state } = useStore();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  // Only an explicit choice is remembered; otherwise the system preference decides on each visit.
  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem('theme', next);
    setTheme(next);
  };
  const title = PAGES.find(([id]) => id === page)?.[1] ?? '';
  useEffect(() => {
    document.title = `${title} · aes67-sender`;
  }, [title]);
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">aes67-sender</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map(([id, label]) => (
              <li key={id}>
                <a href={`#/${id}`} aria-current={id === page ? 'page' : undefined}>{label}</a>
              </li>
            ))}
          </ul>
        </nav>
        <span className={`conn ${state.connection}`} role="status" aria-label={`Live updates: ${state.connection}`}>
          {state.connection === 'open' ? 'live' : state.connection === 'connecting' ? 'connecting…' : 'reconnecting…'}
        </span>
        <button type="button" className="small" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
      <Toasts />
    </>
  );
}
