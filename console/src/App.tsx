import { useCallback, useEffect, useState } from 'react';
import { api } from './api/client.js';
import { StoreProvider } from './api/StoreContext.js';
import type { AuthStatus } from './api/types.js';
import { Login } from './components/Login.js';
import { PAGES, Shell, type PageId } from './components/Shell.js';
import { Monitor } from './pages/Monitor.js';
import { Network } from './pages/Network.js';
import { Overview } from './pages/Overview.js';
import { Patch } from './pages/Patch.js';
import { PlayerPage } from './pages/PlayerPage.js';
import { Ptp } from './pages/Ptp.js';
import { Speakers } from './pages/Speakers.js';
import { Streams } from './pages/Streams.js';
import { System } from './pages/System.js';
import { Setup } from './pages/Setup.js';
import { useStore } from './api/StoreContext.js';
import { setupStore } from './logic/setup.js';
import { useFetch } from './api/useFetch.js';

/** Hash routes (#/speakers) work from the daemon's static files without server-side fallbacks. */
function pageFromHash(): PageId {
  // A page may carry a query (#/monitor?stream=1).
  const id = window.location.hash.replace(/^#\/?/, '').split('?')[0];
  return PAGES.some(([p]) => p === id) ? (id as PageId) : 'overview';
}

export function App() {
  const [page, setPage] = useState<PageId>(pageFromHash);
  const [auth, setAuth] = useState<AuthStatus | null>(null);
  const [authError, setAuthError] = useState<string | null>(null);
  const checkAuth = useCallback(() => {
    api.authStatus().then(setAuth, (e: Error) => setAuthError(e.message));
  }, []);
  useEffect(checkAuth, [checkAuth]);
  useEffect(() => {
    const on = () => {
      setPage(pageFromHash());
      document.getElementById('main')?.focus();
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);

  if (!auth) {
    return (
      <main className="login">
        <p role={authError ? 'alert' : 'status'}>{authError ? `Cannot reach the daemon: ${authError}` : 'Connecting…'}</p>
        {authError && <button type="button" onClick={() => { setAuthError(null); checkAuth(); }}>Retry</button>}
      </main>
    );
  }
  if (auth.authRequired && !auth.authenticated) return <Login onDone={checkAuth} />;
  const logout = () => void api.logout().finally(checkAuth);
  return (
    <StoreProvider>
      <Shell page={page}>
        {page === 'overview' && <Overview />}
        {page === 'speakers' && <Speakers />}
        {page === 'monitor' && <Monitor />}
        {page === 'patch' && <Patch />}
        {page === 'streams' && <Streams />}
        {page === 'player' && <PlayerPage />}
        {page === 'ptp' && <Ptp />}
        {page === 'network' && <Network />}
        {page === 'system' && <System auth={auth} onLogout={logout} />}
        {page === 'setup' && <Setup />}
        <OpenSetup page={page} />
      </Shell>
    </StoreProvider>
  );
}

/** Opens the setup once, on arrival at the Overview, on the embedded default or while no speaker is configured (logic/setup.ts). */
function OpenSetup({ page }: { page: PageId }) {
  const { state } = useStore();
  const speakers = state.speakers?.length;
  const system = useFetch(api.system);
  const configFile = system.data?.configFile;
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    if (checked || speakers === undefined || configFile === undefined) return;
    setChecked(true);
    if (page === 'overview' && setupStore.opensItself(speakers, configFile)) window.location.hash = '#/setup';
  }, [checked, speakers, configFile, page]);
  return null;
}
