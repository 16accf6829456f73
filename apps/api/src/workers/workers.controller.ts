import { Controller, Get } from '@nestjs/common';
import type { WorkersDto } from '@gradlab/contracts';
import { CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { WorkersService } from './workers.service';

/** Staff see the workers and the queue; students see their runs only. */
@StaffOnly()
@Controller('workers')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<WorkersDto> {
    return this.workers.snapshotFor(principal);
  }
}
