import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { redisConnectionFromUrl, type RedisOutageLog } from '@gradlab/contracts';
import IORedis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/** socket.io over Redis pub/sub, so an event emitted by any api instance reaches every client. */
export class RedisIoAdapter extends IoAdapter {
  private readonly pub: IORedis;
  private readonly sub: IORedis;

  constructor(
    app: INestApplicationContext,
    redisUrl: string,
    private readonly channelPrefix: string,
    private readonly webOrigins: string[],
    outages: RedisOutageLog,
  ) {
    super(app);
    this.pub = new IORedis({ ...redisConnectionFromUrl(redisUrl), maxRetriesPerRequest: 3 });
    // The adapter publishes without waiting for the answer: while Redis is down each publish fails once its
    // retries are spent, and that rejection, unhandled, ended the api (the chaos e2e's Redis outage, under
    // load). The event still reaches this instance's own clients; other instances' pages reload from Postgres
    // when their sockets reconnect.
    const publish = this.pub.publish.bind(this.pub);
    this.pub.publish = ((channel: string, message: string) =>
      publish(channel, message).catch(() => 0)) as unknown as IORedis['publish'];
    this.sub = this.pub.duplicate();
    // its own error listeners: without them the adapter warns "missing 'error' handler" at every retry
    outages.watch(this.pub);
    outages.watch(this.sub);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    // A browser's WebSocket is not bound by CORS, so its origin is checked here: no other site's page may
    // open a socket with the dashboard user's cookie. Clients outside a browser send no Origin.
    const server: Server = super.createIOServer(port, {
      ...options,
      cors: { origin: this.webOrigins, credentials: true },
      allowRequest: (
        request: IncomingMessage,
        callback: (error: string | null | undefined, success: boolean) => void,
      ) => {
        const origin = request.headers.origin;
        callback(null, !origin || this.webOrigins.includes(origin));
      },
    });
    server.adapter(createAdapter(this.pub, this.sub, { key: `${this.channelPrefix}:socket.io` }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
