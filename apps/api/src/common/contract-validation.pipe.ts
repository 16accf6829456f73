import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import type { ZodDto } from 'nestjs-zod';
import type { z } from 'zod';
import { parseInput } from './parse-input';

type ContractDto = ZodDto<z.ZodType> & { what?: string };

const isContractDto = (metatype: unknown): metatype is ContractDto =>
  typeof metatype === 'function' && (metatype as Partial<ContractDto>).isZodDto === true;

/**
 * Validation at the edge, for every route (APP_PIPE): a body or query typed with a contract DTO
 * (docs/contract-dtos.ts) reaches the handler parsed by its schema, or is answered 400 VALIDATION_FAILED naming
 * every bad field (the same errors GraphQL gives). Other arguments pass as they are.
 */
@Injectable()
export class ContractValidationPipe implements PipeTransform {
  transform(value: unknown, { metatype, type }: ArgumentMetadata): unknown {
    if ((type !== 'body' && type !== 'query') || !isContractDto(metatype)) return value;
    return parseInput(metatype.schema, value, metatype.what ?? type);
  }
}
