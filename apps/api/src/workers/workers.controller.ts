import { Controller, Get } from '@nestjs/common';
import { Answers, ApiDoc } from '../docs/api-route';
import { WorkersDto } from '../docs/contract-dtos';
import { CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { WorkersService } from './workers.service';

/** Staff see the workers and the queue; students see their runs only. */
@StaffOnly()
@Controller('workers')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  @ApiDoc('Workers seen through their heartbeats, and the queue depth', { 503: 'Redis is unreachable' })
  @Answers(200, 'workers and queue counts', WorkersDto)
  list(@CurrentPrincipal() principal: Principal): Promise<WorkersDto> {
    return this.workers.snapshotFor(principal);
  }
}
