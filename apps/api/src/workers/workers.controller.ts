import { Controller, Get } from '@nestjs/common';
import type { WorkersDto } from '@gradlab/contracts';
import { WorkersService } from './workers.service';

@Controller('workers')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  list(): Promise<WorkersDto> {
    return this.workers.snapshot();
  }
}
