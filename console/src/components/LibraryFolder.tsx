/**
 * The music library folder (PUT /player/library) with its scan as the `library` events show it: which
 * folder, how far, and why a scan failed; a Rescan for files added since.
 */
import { useEffect, useState } from 'react';
import type { LibraryStatus } from '../api/types.js';
import { fieldRenderer, submitting } from './form.js';

type Field = 'path';
const folderFieldOf = (path: string | undefined): Field | null => (path?.split('.').pop() === 'path' ? 'path' : null);

export function LibraryFolder({ status, onChange, onRescan }: { status: LibraryStatus; onChange: (path: string) => Promise<unknown>; onRescan: () => Promise<unknown> }) {
  const [path, setPath] = useState(status.path);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The field follows the daemon's folder when it changes (here or elsewhere), not while it is typed in.
  useEffect(() => setPath(status.path), [status.path]);
  const field = fieldRenderer<Field>('library', errors);
  const show = { errors: setErrors, form: setFormError, busy: setBusy };
  return (
    <form
      className="library-folder"
      aria-label="Library folder"
      onSubmit={(e) => {
        e.preventDefault();
        void submitting(() => onChange(path.trim()), folderFieldOf, show);
      }}
    >
      <div className="row wrap">
        {field('path', 'Music folder', (p) => <input {...p} type="text" value={path} spellCheck={false} placeholder="/srv/music" onChange={(e) => setPath(e.target.value)} />)}
        <button type="submit" className="primary" disabled={busy}>Apply</button>
        <button type="button" disabled={busy || status.scanning} onClick={() => void submitting(onRescan, folderFieldOf, show)}>Rescan</button>
      </div>
      {formError && <p className="field-error" role="alert">{formError}</p>}
      <div className="scan" aria-live="polite">
        <span>
          {status.scanning ? 'Scanning' : 'Scanned'} <code>{status.path}</code>: {status.scanned} of {status.total} files
        </span>
        <progress max={Math.max(status.total, 1)} value={status.scanned} aria-label="Library scan progress" />
      </div>
      {status.error && <p className="field-error" role="alert">{status.error}</p>}
    </form>
  );
}
