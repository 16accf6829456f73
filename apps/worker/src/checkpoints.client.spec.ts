import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CheckpointsClient } from './checkpoints.client';

describe('CheckpointsClient', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A real HTTP server on loopback that answers 503 (an api whose database is down) a few times. */
  const serve = async (unavailableTimes: number) => {
    let calls = 0;
    server = createServer((_request, response) => {
      calls++;
      if (calls <= unavailableTimes) response.writeHead(503).end('{"code":"UNAVAILABLE"}');
      else response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from('GLCK'));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, calls: () => calls };
  };

  it('waits out an api that answers 503, then downloads, saying when the wait starts and ends', async () => {
    const api = await serve(3);
    const waits: number[] = [];
    const outages: (Date | null)[] = [];
    const client = new CheckpointsClient(
      api.url,
      'token',
      (since) => outages.push(since),
      async (ms) => void waits.push(ms),
    );
    expect((await client.download('run-1', 'latest'))?.toString()).toBe('GLCK');
    expect(api.calls()).toBe(4);
    expect(waits).toEqual([500, 1000, 2000]); // doubling
    expect(outages.map((o) => (o === null ? null : 'since'))).toEqual(['since', null]);
  });

  it('waits for an unreachable api for as long as it takes (no window that fails the run), at most 10 s between tries', async () => {
    // The connection dropped 35 times (an api that is down), then answered: over 5 minutes in simulated time.
    let calls = 0;
    server = createServer((request, response) => {
      if (++calls <= 35) return void request.socket.destroy();
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from('GLCK'));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const waits: number[] = [];
    const client = new CheckpointsClient(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      'token',
      () => undefined,
      async (ms) => void waits.push(ms),
    );
    expect((await client.download('run-1', 'latest'))?.toString()).toBe('GLCK');
    expect(Math.max(...waits)).toBe(10_000);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(300_000);
  });

  it('fails at once on what is not an outage: the worker token refused', async () => {
    server = createServer((_request, response) => response.writeHead(401).end('{"code":"UNAUTHORIZED"}'));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const client = new CheckpointsClient(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      'wrong',
      () => undefined,
      async () => {
        throw new Error('no wait expected');
      },
    );
    await expect(client.download('run-1', 'latest')).rejects.toThrow(/HTTP 401/);
  });
});
