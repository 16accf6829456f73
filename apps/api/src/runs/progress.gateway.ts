import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { runRoom, WORKERS_ROOM, type ClientToServerEvents, type ServerToClientEvents, type WorkersDto } from '@gradlab/contracts';
import type { Server, Socket } from 'socket.io';

/** Live progress over socket.io: a client subscribes to a run and joins that run's room. */
@WebSocketGateway({ cors: { origin: true } })
export class ProgressGateway {
  private readonly logger = new Logger(ProgressGateway.name);

  @WebSocketServer()
  server!: Server<ClientToServerEvents, ServerToClientEvents>;

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: { runId?: unknown }) {
    if (typeof body?.runId !== 'string' || !body.runId) return { ok: false, error: 'runId must be a string' };
    await socket.join(runRoom(body.runId));
    return { ok: true };
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: { runId?: unknown }) {
    if (typeof body?.runId === 'string') await socket.leave(runRoom(body.runId));
    return { ok: true };
  }

  @SubscribeMessage('subscribe.workers')
  async subscribeWorkers(@ConnectedSocket() socket: Socket) {
    await socket.join(WORKERS_ROOM);
    return { ok: true };
  }

  emitWorkers(snapshot: WorkersDto): void {
    this.server?.to(WORKERS_ROOM).emit('workers.updated', snapshot);
  }

  emit<E extends keyof ServerToClientEvents>(runId: string, event: E, ...payload: Parameters<ServerToClientEvents[E]>): void {
    if (!this.server) {
      this.logger.warn(`socket server not ready; dropped ${event} for run ${runId}`);
      return;
    }
    this.server.to(runRoom(runId)).emit(event, ...payload);
  }
}
