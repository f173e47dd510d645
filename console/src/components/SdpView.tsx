/** Shows a stream's SDP as served by the daemon, with copy and download. */
import { useState } from 'react';
import { api } from '../api/client.js';
import { useFetch } from '../api/useFetch.js';

export function SdpView({ streamId, name, version }: { streamId: string; name: string; version: string }) {
  // Re-read when the SDP version rises, which the event stream tells us.
  const sdp = useFetch(() => api.sdp(streamId), [streamId, version]);
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    if (!sdp.data) return;
    try {
      await navigator.clipboard.writeText(sdp.data);
      setCopied('Copied.');
    } catch {
      setCopied('The browser refused clipboard access; select the text and copy it.');
    }
  };
  return (
    <div className="sdp">
      {sdp.error ? <p className="field-error" role="alert">{sdp.error}</p> : <pre tabIndex={0} aria-label={`SDP of ${name}`}>{sdp.data ?? 'Loading…'}</pre>}
      <div className="row">
        <button type="button" onClick={() => void copy()} disabled={!sdp.data}>Copy SDP</button>
        <a className="button" href={api.sdpUrl(streamId)} download={`${name.replace(/[^\w.-]+/g, '_')}.sdp`}>Download SDP</a>
        <span aria-live="polite">{copied}</span>
      </div>
    </div>
  );
}
