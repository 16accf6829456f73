import { Body, Controller, Delete, Get, Post } from '@nestjs/common';
import { Answers, ApiDoc, IdParam } from '../docs/api-route';
import { ApiKeyDto, CreateApiKeyRequest, CreatedApiKeyDto } from '../docs/contract-dtos';
import { ApiKeysService } from './api-keys.service';
import { CurrentPrincipal } from './auth.decorators';
import type { Principal } from './principal';

@Controller('keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiDoc('Create an API key: the key is in this answer only', {
    400: 'bad input',
    403: 'a key for someone else, not being staff',
  })
  @Answers(201, 'created', CreatedApiKeyDto)
  createKey(@CurrentPrincipal() principal: Principal, @Body() request: CreateApiKeyRequest): Promise<CreatedApiKeyDto> {
    return this.keys.createKey(principal, request);
  }

  @Get()
  @ApiDoc('Your API keys (staff: everyone’s in the team), without their secrets')
  @Answers(200, 'keys, newest first', [ApiKeyDto])
  listKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return this.keys.listKeys(principal);
  }

  @Delete(':id')
  @ApiDoc('Revoke an API key, at once', { 404: 'no such key of yours' })
  @Answers(200, 'revoked', ApiKeyDto)
  revokeKey(@CurrentPrincipal() principal: Principal, @IdParam('key') id: string): Promise<ApiKeyDto> {
    return this.keys.revokeKey(principal, id);
  }
}
