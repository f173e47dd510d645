/** One REST read per mount (or per `reload()`), for data the event stream does not carry. Not a polling loop. */
import { useCallback, useEffect, useState } from 'react';
import { errorText } from './StoreContext.js';

export function useFetch<T>(load: () => Promise<T>, deps: unknown[] = []): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [n, ...deps]); // callers pass what `load` depends on
  return { data, error, reload: useCallback(() => setN((x) => x + 1), []) };
}
