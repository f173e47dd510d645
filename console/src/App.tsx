import { useEffect, useState } from 'react';

interface StreamRow {
  id: number;
  name: string;
  address: string;
  port: number;
  encoding: string;
  sampleRate: number;
  packetsSent: number;
}

export function App() {
  const [streams, setStreams] = useState<StreamRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetch('/api/v1/streams')
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((rows: StreamRow[]) => setStreams(rows))
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <main>
      <h1>aes67-sender</h1>
      {error && <p role="alert">Cannot reach the daemon: {error}</p>}
      <table>
        <caption>Streams</caption>
        <thead>
          <tr><th>Name</th><th>Group</th><th>Format</th><th>Packets</th></tr>
        </thead>
        <tbody>
          {streams.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.address}:{s.port}</td>
              <td>{s.encoding}/{s.sampleRate}</td>
              <td>{s.packetsSent}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
