import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { parseInput } from './parse-input';

/**
 * Validation at the edge: `@Body(new ZodValidationPipe(Schema, 'run'))` hands the handler the parsed value,
 * or answers 400 VALIDATION_FAILED naming every bad field (the same errors GraphQL gives).
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: string,
  ) {}

  transform(value: unknown): z.infer<S> {
    return parseInput(this.schema, value, this.what);
  }
}
