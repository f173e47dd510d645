/**
 * First-run setup: the media interface, PTP, the speakers and the music folder, one step at a time.
 * Every step applies through the same API and forms as its own page (System, PTP, Speakers, Player),
 * so what the setup does is a normal setting afterwards. The step reached is kept in the browser, so
 * the setup can be left and resumed; the console opens it by itself while no speaker is configured.
 */
import { useState } from 'react';
import { api } from '../api/client.js';
import { useStore } from '../api/StoreContext.js';
import { useFetch } from '../api/useFetch.js';
import { AddSpeaker } from '../components/AddSpeaker.js';
import { Badge, ptpTone } from '../components/Badge.js';
import { InterfacePicker } from '../components/InterfacePicker.js';
import { LibraryFolder } from '../components/LibraryFolder.js';
import { PtpSettingsForm } from '../components/PtpSettingsForm.js';
import { khz } from '../logic/format.js';
import { SETUP_STEPS, setupStore, type SetupStep } from '../logic/setup.js';

const TITLES: Record<SetupStep, string> = {
  interface: 'Media interface',
  ptp: 'PTP clock',
  speakers: 'Speakers',
  music: 'Music folder',
};

export function Setup() {
  const { state } = useStore();
  const [step, setStep] = useState<SetupStep>(() => setupStore.step());
  const [adding, setAdding] = useState(false);
  const system = useFetch(api.system);
  const interfaces = useFetch(api.interfaces, [step]);
  const ptpSettings = useFetch(api.ptpSettings, [step]);
  const go = (next: SetupStep) => {
    setupStore.setStep(next);
    setStep(next);
  };
  const at = SETUP_STEPS.indexOf(step);
  const leave = (done: boolean) => {
    setupStore.leave(done);
    window.location.hash = done ? '#/player' : '#/overview';
  };

  return (
    <div className="page">
      <h1>Set up this sender</h1>
      <ol className="steps" aria-label="Setup steps">
        {SETUP_STEPS.map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined}>
            <button type="button" className={s === step ? 'primary' : ''} onClick={() => go(s)}>{i + 1}. {TITLES[s]}</button>
          </li>
        ))}
      </ol>
      {system.data && system.data.configFile === null && (
        <p className="warning" data-testid="setup-not-saved">
          This daemon runs a configuration it does not save (the embedded default or <code>aes67 play</code>): the choices below apply now
          and are lost when it stops. Run <code>aes67 serve --config aes67.yaml</code> to keep them.
        </p>
      )}
      <section className="card wide" aria-labelledby="setup-h">
        <h2 id="setup-h">{at + 1}. {TITLES[step]}</h2>
        {step === 'interface' && (
          <>
            <p>The network the speakers are on. On <code>lo</code> (the embedded default) nothing leaves this host.</p>
            {interfaces.error && <p className="field-error" role="alert">Cannot list the interfaces: {interfaces.error}</p>}
            {interfaces.data && <InterfacePicker current={state.interface} interfaces={interfaces.data} onApply={api.setInterface} />}
          </>
        )}
        {step === 'ptp' && (
          <>
            <p>
              AES67 speakers play by a PTP clock. Follow the grandmaster of the network (a speaker or a clock), or make this host the
              grandmaster when there is none.
            </p>
            <p>
              Now: <span data-testid="setup-ptp-state"><Badge tone={ptpTone(state.ptp?.state)}>{state.ptp?.state ?? 'unknown'}</Badge></span>{' '}
              <span data-testid="setup-ptp-gm">{state.ptp?.gmIdentity ? `grandmaster ${state.ptp.gmIdentity}` : state.ptp?.reason}</span>
            </p>
            {ptpSettings.error && <p className="field-error" role="alert">{ptpSettings.error}</p>}
            {ptpSettings.data && interfaces.data && <PtpSettingsForm settings={ptpSettings.data} interfaces={interfaces.data} onSubmit={api.patchPtpSettings} />}
          </>
        )}
        {step === 'speakers' && (
          <>
            <ul aria-label="Configured speakers">
              {(state.speakers ?? []).map((sp) => (
                <li key={sp.id}>
                  <strong>{sp.name}</strong> · {sp.model ?? 'unknown model'} · set to {khz(sp.sampleRate)} · {sp.streamId ? `plays stream ${sp.streamId}` : 'no stream yet'}
                </li>
              ))}
            </ul>
            {(state.speakers ?? []).length === 0 && <p className="muted">No speakers yet.</p>}
            {adding ? (
              <AddSpeaker streams={state.streams ?? []} onDone={() => setAdding(false)} />
            ) : (
              <button type="button" onClick={() => setAdding(true)}>Add speaker</button>
            )}
          </>
        )}
        {step === 'music' && (
          <>
            <p>The folder of FLAC and WAV files the Player offers.</p>
            {state.library ? <LibraryFolder status={state.library} onChange={api.setLibrary} onRescan={api.scan} /> : <p className="muted">Waiting for the daemon…</p>}
          </>
        )}
      </section>
      <div className="row">
        {at > 0 && <button type="button" onClick={() => go(SETUP_STEPS[at - 1])}>Back</button>}
        {at < SETUP_STEPS.length - 1 ? (
          <button type="button" className="primary" onClick={() => go(SETUP_STEPS[at + 1])}>Next</button>
        ) : (
          <button type="button" className="primary" onClick={() => leave(true)}>Finish</button>
        )}
        <button type="button" onClick={() => leave(false)}>Leave the setup</button>
      </div>
    </div>
  );
}
