import { Controller, Delete, Get, Post } from '@nestjs/common';
import {
  ApiKeyDtoSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeyDtoSchema,
  type ApiKeyDto,
  type CreatedApiKeyDto,
  type ParsedCreateApiKeyRequest,
} from '@gradlab/contracts';
import { z } from 'zod';
import { ApiDoc, IdParam, ValidBody } from '../docs/api-route';
import { ApiKeysService } from './api-keys.service';
import { CurrentPrincipal } from './auth.decorators';
import type { Principal } from './principal';

@Controller('keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiDoc('Create an API key: the key is in this answer only', {
    201: ['created', CreatedApiKeyDtoSchema],
    400: 'bad input',
    403: 'a key for someone else, not being staff',
  })
  createKey(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(CreateApiKeyRequestSchema, 'key') request: ParsedCreateApiKeyRequest,
  ): Promise<CreatedApiKeyDto> {
    return this.keys.createKey(principal, request);
  }

  @Get()
  @ApiDoc('Your API keys (staff: everyone’s in the team), without their secrets', {
    200: ['keys, newest first', z.array(ApiKeyDtoSchema)],
  })
  listKeys(@CurrentPrincipal() principal: Principal): Promise<ApiKeyDto[]> {
    return this.keys.listKeys(principal);
  }

  @Delete(':id')
  @ApiDoc('Revoke an API key, at once', { 200: ['revoked', ApiKeyDtoSchema], 404: 'no such key of yours' })
  revokeKey(@CurrentPrincipal() principal: Principal, @IdParam('key') id: string): Promise<ApiKeyDto> {
    return this.keys.revokeKey(principal, id);
  }
}
