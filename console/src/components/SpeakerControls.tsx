/** Gain, mute and delay for one speaker, beside its live meter. Gain is debounced so dragging sends one change. */
import { useEffect, useId, useRef, useState } from 'react';
import type { Meters, Speaker } from '../api/types.js';
import { db } from '../logic/format.js';
import { Meter } from './Meter.js';

export const GAIN_MIN = -60;
export const GAIN_MAX = 12;

export function SpeakerControls({ speaker, meters, channel, onChange }: {
  speaker: Speaker;
  meters: Meters | undefined;
  channel: number;
  onChange: (patch: Partial<Pick<Speaker, 'gainDb' | 'mute' | 'delayMs'>>) => void;
}) {
  const id = useId();
  const serverGain = speaker.gainDb ?? GAIN_MIN;
  const [gain, setGain] = useState(serverGain);
  const [delay, setDelay] = useState(speaker.delayMs);
  useEffect(() => setGain(serverGain), [serverGain]);
  useEffect(() => setDelay(speaker.delayMs), [speaker.delayMs]);
  // A ref, so live re-renders (meters update 4x a second) do not restart the debounce.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    if (gain === serverGain) return;
    const t = setTimeout(() => onChangeRef.current({ gainDb: gain }), 200);
    return () => clearTimeout(t);
  }, [gain, serverGain]);

  const commitDelay = () => {
    if (delay !== speaker.delayMs && delay >= 0 && delay <= 100) onChange({ delayMs: delay });
  };
  return (
    <div className="controls">
      <Meter vertical label={speaker.name} peakDb={meters?.peakDb[channel]} rmsDb={meters?.rmsDb[channel]} />
      <div className="control-fields">
        <label htmlFor={`${id}-gain`}>Gain <output htmlFor={`${id}-gain`}>{db(speaker.gainDb === null && gain === GAIN_MIN ? null : gain)}</output></label>
        <div className="row">
          <input id={`${id}-gain`} type="range" min={GAIN_MIN} max={GAIN_MAX} step={0.5} value={gain} onChange={(e) => setGain(Number(e.target.value))} />
          <input
            type="number"
            aria-label={`${speaker.name} gain in dB`}
            min={GAIN_MIN}
            max={GAIN_MAX}
            step={0.5}
            value={gain}
            onChange={(e) => e.target.value !== '' && setGain(Math.min(GAIN_MAX, Math.max(GAIN_MIN, Number(e.target.value))))}
          />
        </div>
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={speaker.mute} onChange={(e) => onChange({ mute: e.target.checked })} /> Mute
          </label>
          <label htmlFor={`${id}-delay`}>Delay (ms)</label>
          <input
            id={`${id}-delay`}
            type="number"
            min={0}
            max={100}
            step={0.1}
            value={delay}
            onChange={(e) => setDelay(Number(e.target.value))}
            onBlur={commitDelay}
            onKeyDown={(e) => e.key === 'Enter' && commitDelay()}
          />
        </div>
      </div>
    </div>
  );
}
