import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import type { ApiKeyDto, CreatedApiKeyDto } from '@gradlab/contracts';
import { ApiKeysService } from './api-keys.service';
import { CurrentPrincipal } from './auth.decorators';
import type { Principal } from './principal';

@Controller('keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  createKey(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<CreatedApiKeyDto> {
    return this.keys.createKey(principal, body);
  }

  @Get()
  listKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return this.keys.listKeys(principal);
  }

  @Delete(':id')
  revokeKey(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ApiKeyDto> {
    return this.keys.revokeKey(principal, id);
  }
}
