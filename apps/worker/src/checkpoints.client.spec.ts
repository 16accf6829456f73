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

  it('waits out an api that answers 503, then downloads', async () => {
    const api = await serve(3);
    const waits: number[] = [];
    const client = new CheckpointsClient(api.url, 'token', 60_000, async (ms) => void waits.push(ms));
    expect((await client.download('run-1', 'latest'))?.toString()).toBe('GLCK');
    expect(api.calls()).toBe(4);
    expect(waits).toEqual([500, 1000, 2000]); // doubling
  });

  it('tries an unreachable api for the set time, then fails naming API_URL and the setting', async () => {
    let slept = 0;
    const client = new CheckpointsClient('http://127.0.0.1:1', 'token', 5_000, async (ms) => void (slept += ms));
    await expect(client.download('run-1', 'latest')).rejects.toThrow(
      /cannot reach the gradlab api at http:\/\/127\.0\.0\.1:1.*\(API_URL; tried for 5 s, CHECKPOINT_RETRY_S\)/,
    );
    expect(slept).toBeGreaterThanOrEqual(3_500);
    expect(slept).toBeLessThanOrEqual(5_000);
  });
});
