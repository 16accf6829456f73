import {
  FINISHED_STATUSES,
  type ClientToServerEvents,
  type EpochDto,
  type RunDto,
  type ServerToClientEvents,
} from '@gradlab/contracts';
import { SingleBar } from 'cli-progress';
import { io, type Socket } from 'socket.io-client';
import type { CliApi } from './cli-api';
import { fmt, formatEpoch } from './format';

/**
 * Follows a run over socket.io until it finishes: a line per epoch on stdout, and within an epoch a progress
 * bar on stderr when that is a terminal. Resolves with the finished run; rejects with a message when the api
 * closes or refuses the live connection.
 */
export async function watchRun(api: CliApi, id: string): Promise<RunDto> {
  const initial = await api.run(id);
  const total = initial.config.training.epochs;
  const bar = new SingleBar({
    format: '  epoch {epoch} [{bar}] {value}/{total} batches',
    hideCursor: true,
    clearOnComplete: true,
  });
  let barEpoch: number | null = null;
  const stopBar = () => {
    if (barEpoch !== null) bar.stop();
    barEpoch = null;
  };
  // Each epoch once: those stored before the live connection, then those it brings, and any finished in
  // between (asked for again once subscribed).
  const printed = new Set<number>();
  const print = (e: EpochDto) => {
    if (printed.has(e.epoch)) return;
    printed.add(e.epoch);
    stopBar();
    console.log(formatEpoch(e, total));
  };
  for (const e of await api.epochs(id)) print(e);
  if (FINISHED_STATUSES.includes(initial.status)) return finish(initial);

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(api.url, {
    transports: ['websocket'],
    auth: api.key ? { token: api.key } : {},
  });
  return new Promise<RunDto>((resolve, reject) => {
    const end = (run: RunDto) => {
      stopBar();
      socket.disconnect();
      resolve(finish(run));
    };
    const fail = (message: string) => {
      stopBar();
      socket.disconnect();
      reject(new Error(message));
    };
    let wasConnected = false;
    socket.on('connect', () => {
      const firstTime = !wasConnected;
      wasConnected = true;
      const catchUp = async () => {
        await socket.emitWithAck('subscribe', { runId: id });
        if (firstTime) console.error(`following run ${id} live (Ctrl-C stops watching, not the run)`);
        for (const e of await api.epochs(id)) print(e); // epochs finished while connecting
        const run = await api.run(id); // anything that finished while connecting
        if (FINISHED_STATUSES.includes(run.status)) end(run);
      };
      // Refused meanwhile (a key revoked as the connection came up): the same end as the api closing it.
      catchUp().catch((error: Error) => fail(`the api closed the live connection: ${error.message}`));
    });
    socket.on('run.progress', (p) => {
      if (p.runId !== id || !process.stderr.isTTY || printed.has(p.epoch)) return;
      if (barEpoch !== p.epoch) {
        stopBar();
        bar.start(p.batchesPerEpoch, p.batch, { epoch: `${p.epoch} (${p.epoch + 1} of ${total})` });
        barEpoch = p.epoch;
      } else bar.update(p.batch);
    });
    socket.on('epoch.completed', (p) => p.runId === id && print(p.epoch));
    socket.on('run.updated', (run) => run.id === id && FINISHED_STATUSES.includes(run.status) && end(run));
    // The api closed the connection itself (a revoked key, a run gone): socket.io will not reconnect, so say
    // what happened instead of waiting for ever. A dropped transport reconnects by itself.
    socket.on('disconnect', async (reason) => {
      if (reason !== 'io server disconnect') return;
      const run = await api.run(id).catch((error: Error) => error);
      if (run instanceof Error) fail(`the api closed the live connection: ${run.message}`);
      else if (FINISHED_STATUSES.includes(run.status)) end(run);
      else
        fail(
          `the api closed the live connection; run ${id} is still ${run.status} (gradlab watch ${id} to follow it again)`,
        );
    });
    socket.on('connect_error', (error) => {
      // Refused on reconnecting: the api closed the connection as the transport dropped (a revoked key).
      if (error.message.startsWith('unauthorized'))
        fail(`${wasConnected ? 'the api closed the live connection' : 'live connection refused'}: ${error.message}`);
      else console.error(`live connection: ${error.message}; retrying`);
    });
  });
}

function finish(run: RunDto): RunDto {
  const detail =
    run.status === 'completed'
      ? `test loss ${fmt(run.testLoss)} acc ${fmt(run.testAccuracy)} (best epoch ${run.bestEpoch})`
      : (run.error ?? '');
  console.log(`run ${run.id} ${run.status} on ${run.backend ?? 'no backend'}${detail ? `: ${detail}` : ''}`);
  return run;
}
