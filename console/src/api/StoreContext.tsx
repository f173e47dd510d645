/**
 * React glue: one reducer fed by the event stream, plus `change()` for optimistic edits that roll back
 * and report the error when the daemon refuses them.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';
import { api, ApiError, eventsUrl } from './client.js';
import { connectEvents } from './socket.js';
import { initialState, reducer, type Action, type State } from './store.js';
import type { Snapshot } from './types.js';

interface Toast {
  id: number;
  text: string;
}
interface StoreValue {
  state: State;
  dispatch: (a: Action) => void;
  /** Applies `optimistic` now, runs `call`, and on failure restores the slices it touched and shows why. */
  change: (what: string, optimistic: Partial<Snapshot>, call: () => Promise<unknown>) => Promise<boolean>;
  toasts: Toast[];
  report: (text: string) => void;
  dismiss: (id: number) => void;
}

const Ctx = createContext<StoreValue | null>(null);
let toastId = 0;

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.field ? `${e.message} (${e.field})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export function StoreProvider({ children, connect = true }: { children: ReactNode; connect?: boolean }) {
  const [state, dispatch] = useReducer(reducer, initialState);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const report = useCallback((text: string) => setToasts((t) => [...t.slice(-3), { id: ++toastId, text }]), []);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);

  useEffect(() => {
    if (!connect) return;
    const stop = connectEvents(eventsUrl(), {
      onEvent: (event) => dispatch({ type: 'event', event, at: Date.now() }),
      onConnection: (connection) => dispatch({ type: 'connection', connection }),
    });
    // History once at start; after that every sample arrives on the event stream.
    api.ptpHistory().then(
      (samples) => dispatch({ type: 'ptpHistory', samples }),
      () => undefined, // the PTP page still fills from live samples
    );
    return stop;
  }, [connect]);

  const change = useCallback<StoreValue['change']>(
    async (what, optimistic, call) => {
      const before: Partial<Snapshot> = {};
      for (const k of Object.keys(optimistic) as (keyof Snapshot)[]) (before as Record<string, unknown>)[k] = state[k];
      dispatch({ type: 'local', patch: optimistic });
      try {
        await call();
        return true;
      } catch (e) {
        dispatch({ type: 'local', patch: before });
        report(`${what} failed: ${errorText(e)}`);
        return false;
      }
    },
    [state, report],
  );

  const value = useMemo(() => ({ state, dispatch, change, toasts, report, dismiss }), [state, change, toasts, report, dismiss]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useStore(): StoreValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useStore outside StoreProvider');
  return v;
}
