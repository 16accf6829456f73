import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';

/** Each socket joins the room of the key it came with, so revoking the key can close it. */
export const keyRoom = (apiKeyId: string) => `key:${apiKeyId}`;

/**
 * The socket.io server, registered by the gateway when it starts, so that revoking a key also ends the
 * live connections made with it, on every api instance (the Redis adapter reaches them all).
 */
@Injectable()
export class LiveConnections {
  private server?: Server;

  register(server: Server): void {
    this.server = server;
  }

  disconnectKey(apiKeyId: string): void {
    this.server?.in(keyRoom(apiKeyId)).disconnectSockets(true);
  }
}
