import { Controller, Get } from '@nestjs/common';
import { WorkersDtoSchema, type WorkersDto } from '@gradlab/contracts';
import { ApiDoc } from '../docs/api-route';
import { CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { WorkersService } from './workers.service';

/** Staff see the workers and the queue; students see their runs only. */
@StaffOnly()
@Controller('workers')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  @ApiDoc('Workers seen through their heartbeats, and the queue depth', {
    200: ['workers and queue counts', WorkersDtoSchema],
    503: 'Redis is unreachable',
  })
  list(@CurrentPrincipal() principal: Principal): Promise<WorkersDto> {
    return this.workers.snapshotFor(principal);
  }
}
