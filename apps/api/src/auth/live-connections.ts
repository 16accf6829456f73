import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { WebSocket } from 'ws';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { PrincipalCache } from './principal-cache';

/** Each socket.io socket joins the room of the key it came with, so revoking the key can close it. */
export const keyRoom = (apiKeyId: string) => `key:${apiKeyId}`;

/**
 * Live connections made with API keys (socket.io sockets, GraphQL subscriptions), so that revoking a key
 * ends them at once on every api instance: socket.io through its Redis adapter, graphql-ws sockets through
 * a Redis message that each instance acts on for its own sockets. The same message makes each instance
 * forget the key's cached principal (PrincipalCache).
 */
@Injectable()
export class LiveConnections implements OnModuleInit {
  private server?: Server;
  private readonly graphqlSockets = new Map<string, Set<WebSocket>>();
  private readonly channel: string;

  constructor(
    private readonly redis: RedisService,
    private readonly recent: PrincipalCache,
    config: AppConfig,
  ) {
    this.channel = `${config.queuePrefix}:api-key-revoked`;
  }

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(this.channel, (apiKeyId) => {
      this.recent.forgetKey(apiKeyId);
      for (const socket of this.graphqlSockets.get(apiKeyId) ?? []) socket.close(4401, 'API key revoked');
      this.graphqlSockets.delete(apiKeyId);
    });
  }

  register(server: Server): void {
    this.server = server;
  }

  trackGraphqlSocket(apiKeyId: string, socket: WebSocket): void {
    let sockets = this.graphqlSockets.get(apiKeyId);
    if (!sockets) this.graphqlSockets.set(apiKeyId, (sockets = new Set()));
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  }

  async disconnectKey(apiKeyId: string): Promise<void> {
    this.recent.forgetKey(apiKeyId);
    this.server?.in(keyRoom(apiKeyId)).disconnectSockets(true);
    await this.redis.client.publish(this.channel, apiKeyId);
  }
}
