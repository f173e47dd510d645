import { useStore } from '../api/StoreContext.js';

/** Errors of failed changes; role=alert so they are announced, and each can be dismissed. */
export function Toasts() {
  const { toasts, dismiss } = useStore();
  if (toasts.length === 0) return null;
  return (
    <div className="toasts">
      {toasts.map((t) => (
        <div key={t.id} className="toast" role="alert">
          <span>{t.text}</span>
          <button type="button" onClick={() => dismiss(t.id)} aria-label="Dismiss message">×</button>
        </div>
      ))}
    </div>
  );
}
