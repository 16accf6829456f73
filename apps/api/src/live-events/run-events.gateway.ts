import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import {
  isStaffRole,
  runRoom,
  WORKERS_ROOM,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@gradlab/contracts';
import type { Server, Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { keyRoom, LiveConnections } from '../auth/live-connections';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { PrismaService } from '../prisma/prisma.service';
import { workersSeenBy, type WorkersSnapshot } from '../workers/workers.service';
import { findTeamRun } from '../runs/find-team-run';
import { LiveEventsPublisher } from './live-events.publisher';
import { RunEventsPubSub, type RunEventName } from './run-events.pubsub';

interface SocketData {
  principal: Principal;
}
type GradlabSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Every run event live over socket.io: status, epochs, progress, diagnosis, and the workers list. A
 * connection must carry an API key (`auth: { token }` or an Authorization header) or the session cookie; a
 * client may join the room of a run of its own team only (another team's run is "not found"), and the
 * workers room if it is staff.
 */
// CORS and the allowed origins are set once for every gateway in RedisIoAdapter.
@WebSocketGateway()
export class RunEventsGateway implements OnGatewayInit, LiveEventsPublisher {
  private readonly logger = new Logger(RunEventsGateway.name);

  @WebSocketServer()
  server!: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

  constructor(
    private readonly auth: AuthService,
    private readonly prisma: PrismaService,
    private readonly pubSub: RunEventsPubSub,
    private readonly live: LiveConnections,
  ) {}

  afterInit(server: Server): void {
    this.live.register(server);
    server.use((socket, next) => {
      const { auth, headers } = socket.handshake;
      const token = typeof auth?.token === 'string' ? `Bearer ${auth.token}` : headers.authorization;
      this.auth
        .authenticate(token, headers.cookie)
        .then((principal) => {
          if (!principal) return next(new Error('unauthorized: send an API key as auth.token, or sign in'));
          (socket.data as SocketData).principal = principal;
          if (principal.apiKeyId) void socket.join(keyRoom(principal.apiKeyId));
          next();
        })
        .catch((error: Error) => next(error));
    });
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: GradlabSocket, @MessageBody() body: { runId?: unknown }) {
    if (typeof body?.runId !== 'string' || !body.runId) return { ok: false, error: 'runId must be a string' };
    const runId = body.runId;
    const found = await findTeamRun(this.prisma, socket.data.principal, runId).catch((error: unknown) => {
      if (error instanceof DomainError) return error;
      throw error;
    });
    if (found instanceof DomainError) return { ok: false, error: found.message };
    await socket.join(runRoom(runId));
    return { ok: true };
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: GradlabSocket, @MessageBody() body: { runId?: unknown }) {
    if (typeof body?.runId === 'string') await socket.leave(runRoom(body.runId));
    return { ok: true };
  }

  @SubscribeMessage('subscribe.workers')
  async subscribeWorkers(@ConnectedSocket() socket: GradlabSocket) {
    if (!isStaffRole(socket.data.principal.role)) return { ok: false, error: 'staff only' };
    await socket.join(WORKERS_ROOM);
    return { ok: true };
  }

  emitWorkersHere(snapshot: WorkersSnapshot): void {
    // Each staff client gets the list as its team may see it (another team's run ids hidden).
    void this.server?.local
      .in(WORKERS_ROOM)
      .fetchSockets()
      .then((sockets) => {
        for (const socket of sockets)
          socket.emit('workers.updated', workersSeenBy(snapshot, (socket.data as SocketData).principal));
      })
      .catch((error: unknown) => this.logger.warn(`workers list not sent: ${String(error)}`));
  }

  /** To the run's socket.io room, and to GraphQL `runProgress` subscribers on every api instance. */
  emit<E extends RunEventName>(runId: string, event: E, ...payload: Parameters<ServerToClientEvents[E]>): void {
    this.pubSub.publish({ runId, event, payload: payload[0] });
    this.runRoom(runId, event, 'every-instance')?.emit(event, ...payload);
  }

  /** The same, to this instance's sockets and subscribers only. */
  emitHere<E extends RunEventName>(runId: string, event: E, ...payload: Parameters<ServerToClientEvents[E]>): void {
    this.pubSub.publishHere({ runId, event, payload: payload[0] });
    this.runRoom(runId, event, 'this-instance')?.emit(event, ...payload);
  }

  private runRoom(runId: string, event: string, reach: 'every-instance' | 'this-instance') {
    if (!this.server) {
      this.logger.warn(`socket server not ready; dropped ${event} for run ${runId}`);
      return undefined;
    }
    return (reach === 'this-instance' ? this.server.local : this.server).to(runRoom(runId));
  }
}
