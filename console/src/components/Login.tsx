import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import { errorText } from '../api/StoreContext.js';

/** Shown instead of the console when the daemon has a password and this browser has no session. */
export function Login({ onDone }: { onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.login(password);
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <main className="login">
      <form onSubmit={(e) => void submit(e)} className="card" aria-labelledby="login-h">
        <h1 id="login-h">aes67-sender</h1>
        <label htmlFor="pw">Password</label>
        <input id="pw" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
        {error && <p className="field-error" role="alert">{error}</p>}
        <button type="submit" className="primary">Log in</button>
      </form>
    </main>
  );
}
