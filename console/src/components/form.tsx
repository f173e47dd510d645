/** What the console's forms share: a labelled field with the daemon's error beside it, and submitting with errors routed to fields. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { errorText } from '../api/StoreContext.js';

export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

/** Renders field `k` of a form with id prefix `id`: label, control and, when the daemon named it, its error. */
export function fieldRenderer<K extends string>(id: string, errors: Partial<Record<K, string>>) {
  return function field(k: K, label: string, control: (p: ControlProps) => ReactNode) {
    return (
      <div className={errors[k] ? 'field invalid' : 'field'}>
        <label htmlFor={`${id}-${k}`}>{label}</label>
        {control({ id: `${id}-${k}`, 'aria-invalid': !!errors[k], 'aria-describedby': errors[k] ? `${id}-${k}-err` : undefined })}
        {errors[k] && <span className="field-error" id={`${id}-${k}-err`} role="alert">{errors[k]}</span>}
      </div>
    );
  };
}

/**
 * Runs `call`; true when it succeeded. An ApiError whose field maps to one of the form's fields is shown
 * beside that field, any other error under the form.
 */
export async function submitting<K extends string>(
  call: () => Promise<unknown>,
  fieldOf: (path: string | undefined) => K | null,
  show: { errors: (e: Partial<Record<K, string>>) => void; form: (e: string | null) => void; busy: (b: boolean) => void },
): Promise<boolean> {
  show.busy(true);
  show.errors({});
  show.form(null);
  try {
    await call();
    return true;
  } catch (err) {
    const f = err instanceof ApiError ? fieldOf(err.field) : null;
    if (f) show.errors({ [f]: (err as ApiError).message } as Partial<Record<K, string>>);
    else show.form(errorText(err));
    return false;
  } finally {
    show.busy(false);
  }
}
