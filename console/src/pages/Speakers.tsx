import { useState } from 'react';
import { useStore } from '../api/StoreContext.js';
import { api } from '../api/client.js';
import type { Speaker, SpeakerPatch } from '../api/types.js';
import { Badge, ptpTone } from '../components/Badge.js';
import { RxPatchList, type VisibleStream } from '../components/RxPatchList.js';
import { SpeakerControls } from '../components/SpeakerControls.js';
import { AddSpeaker } from '../components/AddSpeaker.js';
import { StreamOptions } from '../components/StreamOptions.js';
import { PROFILE_IDS, PROFILES, type ProfileId } from '@aes67/server/profiles';
import { canPlay } from '../logic/compat.js';
import { hashFor } from '../logic/monitor.js';
import { khz, ptime } from '../logic/format.js';
import { feedFrom, inputCount, inputLabel, sourceValue } from '../logic/patch.js';

export function Speakers() {
  const { state, change, report } = useStore();
  const [adding, setAdding] = useState(false);
  const streams = state.streams ?? [];
  const speakers = state.speakers ?? [];
  const ptpState = state.ptp?.state;

  // Our own streams plus what others announce; our own SAP echoes are the same streams, so they are left out.
  const visible: VisibleStream[] = [
    ...streams.map((s) => ({ key: `l-${s.id}`, name: s.name, address: s.address, origin: 'this sender', encoding: s.encoding, sampleRate: s.sampleRate, channels: s.channels, streamId: s.id })),
    ...(state.remoteStreams ?? []).filter((r) => !r.own).map((r) => ({ key: `r-${r.id}`, name: r.name, address: r.address, origin: `${r.origin} (${r.source.toUpperCase()})`, encoding: r.encoding, sampleRate: r.sampleRate, channels: r.channels })),
  ];

  const patchSpeaker = (sp: Speaker, patch: SpeakerPatch, what: string) =>
    change(what, { speakers: speakers.map((x) => (x.id === sp.id ? { ...x, ...patch } : x)) }, () => api.updateSpeaker(sp.id, patch));

  const remove = (sp: Speaker) => {
    if (!window.confirm(`Remove speaker ${sp.name}? Its stream keeps sending.`)) return;
    void change(`Removing ${sp.name}`, { speakers: speakers.filter((x) => x.id !== sp.id) }, () => api.deleteSpeaker(sp.id));
  };

  const setSource = (sp: Speaker, value: string) => {
    const routing = state.routing;
    if (!routing || sp.streamId === null) return;
    const next = feedFrom(routing, sp.streamId, sp.channel, value === '' ? [] : value.split('+').map(Number));
    void change(`Patching a source to ${sp.name}`, { routing: next }, () => api.putRouting(next));
  };

  return (
    <div className="page">
      <h1>Speakers</h1>
      {adding ? (
        <section className="card wide" aria-label="New speaker">
          <h2>New speaker</h2>
          <AddSpeaker streams={streams} onDone={() => setAdding(false)} />
        </section>
      ) : (
        <p><button type="button" className="primary" onClick={() => setAdding(true)}>Add speaker</button></p>
      )}
      {speakers.length === 0 && !adding && <p className="muted">No speakers configured.</p>}
      <div className="cards">
        {speakers.map((sp) => {
          const feed = streams.find((s) => s.id === sp.streamId);
          const meters = feed ? state.stats[feed.id]?.meters ?? feed.meters : undefined;
          const n = inputCount(state.routing);
          const src = sourceValue(state.routing?.entries ?? [], sp.streamId, sp.channel);
          const srcOptions = [...Array.from({ length: n }, (_, i) => String(i)), '0+1'];
          return (
            <section key={sp.id} className="card speaker" aria-labelledby={`sp-${sp.id}`} data-speaker={sp.name}>
              <header className="card-head">
                <h2 id={`sp-${sp.id}`}>{sp.name}</h2>
                <Badge tone={ptpTone(ptpState)}>PTP {ptpState ?? 'unknown'}</Badge>
              </header>
              <p className="muted">{sp.model ?? 'Unknown model'}{sp.host ? ` · ${sp.host}` : ''} · set to {khz(sp.sampleRate)} · takes {sp.encodings.join('/')} up to {sp.maxChannels} ch</p>
              <div className="feed">
                <h3>Fed by</h3>
                {feed ? (
                  <p>
                    <strong>{feed.name}</strong> channel {sp.channel + 1} · <span className="mono">{feed.address}:{feed.port}</span> · {khz(feed.sampleRate)} · {feed.encoding} · {ptime(feed.ptimeUs)}
                    {' · '}<a href={hashFor({ kind: 'stream', id: feed.id })} data-testid={`monitor-link-${sp.id}`}>Monitor what it receives</a>
                    {!canPlay(sp, feed).ok && <span className="rx-reason"> — the speaker cannot play this: {canPlay(sp, feed).reason}</span>}
                  </p>
                ) : (
                  <p className="muted">Nothing patched.</p>
                )}
                {feed && feed.profileIssues.filter((i) => i.speakerId === sp.id).map((i) => (
                  <p key={i.rule} className="rx-reason" data-testid={`profile-issue-${sp.id}-${i.rule}`}>{i.text}: {i.fix}.</p>
                ))}
                <div className="row wrap">
                  <span className="pick">
                    <label htmlFor={`sp-${sp.id}-stream`}>Stream</label>
                    <select
                      id={`sp-${sp.id}-stream`}
                      value={sp.streamId ?? ''}
                      onChange={(e) => void patchSpeaker(sp, { streamId: e.target.value || null, channel: 0 }, `Patching ${sp.name}`)}
                    >
                      <option value="">(none)</option>
                      <StreamOptions speaker={sp} streams={streams} />
                    </select>
                  </span>
                  <span className="pick">
                    <label htmlFor={`sp-${sp.id}-profile`}>Receiver profile</label>
                    <select
                      id={`sp-${sp.id}-profile`}
                      value={sp.profile ?? ''}
                      onChange={(e) => void patchSpeaker(sp, { profile: (e.target.value || null) as ProfileId | null }, `Changing ${sp.name}'s receiver profile`)}
                    >
                      <option value="">(none)</option>
                      {PROFILE_IDS.map((id) => <option key={id} value={id}>{PROFILES[id].name}</option>)}
                    </select>
                  </span>
                  {feed && feed.channels > 1 && (
                    <span className="pick">
                      <label htmlFor={`sp-${sp.id}-channel`}>Channel</label>
                      <select id={`sp-${sp.id}-channel`} value={sp.channel} onChange={(e) => void patchSpeaker(sp, { channel: Number(e.target.value) }, `Changing ${sp.name}'s channel`)}>
                        {Array.from({ length: feed.channels }, (_, i) => <option key={i} value={i}>{i + 1}</option>)}
                      </select>
                    </span>
                  )}
                  {feed && state.routing && (
                    <span className="pick">
                      <label htmlFor={`sp-${sp.id}-source`}>Source</label>
                      <select id={`sp-${sp.id}-source`} value={srcOptions.includes(src) || src === '' ? src : 'custom'} onChange={(e) => setSource(sp, e.target.value)}>
                        <option value="">(silent)</option>
                        {srcOptions.map((o) => <option key={o} value={o}>{o.split('+').map((i) => inputLabel(Number(i))).join(' + ')}</option>)}
                        {!srcOptions.includes(src) && src !== '' && <option value="custom" disabled>custom (see Patch)</option>}
                      </select>
                    </span>
                  )}
                </div>
              </div>
              <SpeakerControls speaker={sp} meters={meters} channel={sp.channel} onChange={(p) => void patchSpeaker(sp, p, `Changing ${sp.name}`)} />
              <div className="row">
                <button
                  type="button"
                  onClick={() => api.identify(sp.id).catch((e: Error) => report(`Identify ${sp.name} failed: ${e.message}`))}
                >
                  Identify
                </button>
                <button type="button" className="danger" onClick={() => remove(sp)}>Remove</button>
              </div>
              <div>
                <h3>Streams this speaker sees ({visible.filter((v) => canPlay(sp, v).ok).length} playable of {visible.length})</h3>
                <RxPatchList speaker={sp} speakerName={sp.name} streams={visible} currentStreamId={sp.streamId} onPatch={(id) => void patchSpeaker(sp, { streamId: id, channel: 0 }, `Patching ${sp.name}`)} />
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}

