import { Public } from '../auth/auth.decorators';
import { Controller, Get, Res, type Type } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { Answers, ApiDoc } from '../docs/api-route';
import { HealthDto } from '../docs/contract-dtos';
import type { Response } from 'express';
import { PrismaService } from '../prisma/prisma.service';
import { RedisService } from '../redis/redis.service';

const PROBE_TIMEOUT_MS = 2000;

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
  ) {}

  /** 200 when Postgres and Redis both answer, 503 otherwise; the body says which is down. */
  @Get()
  @ApiDoc('Postgres and Redis')
  @Answers(200, 'both up', HealthDto)
  @ApiResponse({ status: 503, description: 'one is down', type: HealthDto.Output as Type })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthDto> {
    const [postgres, redis] = await Promise.all([
      probe(() => this.prisma.$queryRaw`SELECT 1`),
      probe(() => this.redis.client.ping()),
    ]);
    const body: HealthDto = { status: postgres === 'up' && redis === 'up' ? 'ok' : 'degraded', postgres, redis };
    response.status(body.status === 'ok' ? 200 : 503);
    return body;
  }
}

async function probe(check: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS))),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
