import { useState } from 'react';
import { useStore } from '../api/StoreContext.js';
import { api } from '../api/client.js';
import type { Preset, Routing } from '../api/types.js';
import { PatchMatrix } from '../components/PatchMatrix.js';
import { SourcePicker } from '../components/SourcePicker.js';
import { columns, preset, presetNeeds } from '../logic/patch.js';

const PRESETS: { p: Preset; label: string; help: string }[] = [
  { p: 'stereo', label: 'Stereo pair', help: 'Left to the 1st, 3rd… stream, Right to the 2nd, 4th…' },
  { p: 'mono', label: 'Mono', help: 'Left + Right summed (−6 dB each) to every chosen stream' },
  { p: '2.1', label: '2.1', help: 'Left, Right, and the summed subwoofer feed to the 3rd stream' },
];

export function Patch() {
  const { state, change } = useStore();
  const streams = state.streams ?? [];
  const [chosen, setChosen] = useState<string[] | null>(null);
  const picked = chosen ?? streams.map((s) => s.id);
  const routing = state.routing;

  const put = (next: Routing, what: string) => change(what, { routing: next }, () => api.putRouting(next));
  const applyPreset = (p: Preset) => {
    // The daemon lays out presets over at most three streams (L, R, sub).
    const ids = streams.map((s) => s.id).filter((id) => picked.includes(id)).slice(0, 3);
    void change(`Preset ${p}`, { routing: preset(p, ids, routing?.source) }, () => api.preset(p, ids));
  };

  return (
    <div className="page">
      <h1>Patch</h1>
      {!routing ? (
        <p className="muted">Waiting for the daemon…</p>
      ) : (
        <>
          <section className="card wide" aria-labelledby="preset-h">
            <h2 id="preset-h">Presets</h2>
            <fieldset>
              <legend>Streams the preset uses, in order (the first three chosen)</legend>
              <div className="row wrap">
                {streams.map((s) => (
                  <label key={s.id} className="check">
                    <input
                      type="checkbox"
                      checked={picked.includes(s.id)}
                      onChange={(e) => setChosen(e.target.checked ? [...picked, s.id] : picked.filter((x) => x !== s.id))}
                    />{' '}
                    {s.name}
                  </label>
                ))}
              </div>
            </fieldset>
            <div className="row wrap">
              {PRESETS.map(({ p, label, help }) => (
                <button key={p} type="button" onClick={() => applyPreset(p)} disabled={picked.length < presetNeeds(p)} title={help} aria-describedby={`help-${p}`}>
                  {label}
                </button>
              ))}
              <span className="muted">Current: {routing.preset}</span>
            </div>
            <ul className="muted small">
              {PRESETS.map(({ p, label, help }) => <li key={p} id={`help-${p}`}>{label}: {help}</li>)}
            </ul>
          </section>
          <section className="card wide" aria-labelledby="source-h">
            <h2 id="source-h">Source</h2>
            <SourcePicker source={routing.source} live={state.liveInputs ?? []} onApply={(source) => api.putRouting({ ...routing, source })} />
          </section>
          <section className="card wide" aria-labelledby="matrix-h">
            <h2 id="matrix-h">Matrix</h2>
            <PatchMatrix routing={routing} cols={columns(streams, state.speakers ?? [])} onChange={(r) => void put(r, 'Changing the patch')} />
          </section>
        </>
      )}
    </div>
  );
}
