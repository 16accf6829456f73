import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { RedisOutageLog } from '@gradlab/contracts';
import { RedisIoAdapter } from './redis-io.adapter';

// socket.io's Redis adapter publishes every broadcast without waiting for Redis' answer. With Redis gone, each
// publish fails once ioredis' retries are spent: unhandled, that rejection ended the api mid-outage (the chaos
// e2e, under load). Here a Redis server of the test's own is killed under a running adapter.
const PORT = 6397;
describe('the socket.io Redis adapter while Redis is down', () => {
  it('keeps broadcasting to its own clients, and no failed publish is left unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const lines: string[] = [];
    const redis = spawn('redis-server', ['--port', String(PORT), '--bind', '127.0.0.1', '--save', ''], {
      stdio: 'ignore',
    });
    const http = createServer();
    const adapter = new RedisIoAdapter(
      http as unknown as INestApplicationContext,
      `redis://127.0.0.1:${PORT}`,
      'test',
      [],
      new RedisOutageLog((line) => lines.push(line)),
    );
    const server = adapter.createIOServer(0);
    try {
      await until(() => lines.length > 0 || (adapter as unknown as { pub: { status: string } }).pub.status === 'ready');
      await new Promise((resolve) => setTimeout(resolve, 200)); // the adapter's subscriptions made
      const gone = once(redis, 'exit');
      redis.kill('SIGKILL');
      await gone;
      for (let i = 0; i < 5; i++) server.to('run:1').emit('epoch.completed', { i });
      // ioredis gives a queued command up after 3 reconnects, well within this
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(unhandled).toEqual([]);
      expect(lines.join('\n')).toMatch(/Redis connection lost/); // and the outage is said
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await adapter.close(server);
      http.close();
      redis.kill('SIGKILL');
    }
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}
