'use client';

import type { WorkersDto } from '@gradlab/contracts';
import Link from 'next/link';
import { formatDuration } from '../lib/format';
import { useApiResource } from '../lib/use-api-resource';
import { useNow } from '../lib/use-now';
import { useSocketEvents } from '../lib/use-socket-events';

/** A worker that has not been heard from for this long is shown as silent (it may have died). */
const SILENT_AFTER_MS = 30_000;

export function WorkersView() {
  const now = useNow(1000);
  const { data, error, setData } = useApiResource('workers', (fetchJson) => fetchJson<WorkersDto>('/workers'));
  useSocketEvents({ workers: true }, { 'workers.updated': (snapshot) => setData(snapshot) });

  return (
    <section>
      <h1>Workers</h1>
      {error && !data && <p className="error">Could not load the workers: {error.message}</p>}
      {data && (
        <>
          <div className="card row" data-testid="queue-depth">
            <strong>Training queue</strong>
            <span>waiting {data.queue.waiting}</span>
            <span>active {data.queue.active}</span>
            <span>delayed {data.queue.delayed}</span>
            <span>failed {data.queue.failed}</span>
          </div>
          <table data-testid="workers-table">
            <thead>
              <tr>
                <th>Worker</th>
                <th>Host</th>
                <th>Backend</th>
                <th>Current run</th>
                <th>Last heartbeat</th>
                <th>Up for</th>
              </tr>
            </thead>
            <tbody>
              {data.workers.map((w) => {
                const silentFor = now - Date.parse(w.lastHeartbeatAt);
                return (
                  <tr key={w.id} className={silentFor > SILENT_AFTER_MS ? 'muted' : undefined}>
                    <td>{w.id}</td>
                    <td>{w.host}</td>
                    <td>{w.backend}</td>
                    <td>{w.currentRunId ? <Link href={`/runs/${w.currentRunId}`}>{w.currentRunId.slice(0, 8)}</Link> : <span className="muted">idle</span>}</td>
                    <td>
                      {formatDuration(Math.max(0, silentFor))} ago{silentFor > SILENT_AFTER_MS && <strong className="error"> silent</strong>}
                    </td>
                    <td>{formatDuration(now - Date.parse(w.startedAt))}</td>
                  </tr>
                );
              })}
              {data.workers.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    No worker has reported yet.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
