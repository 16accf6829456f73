import { applyDecorators, HttpCode, Param, ParseUUIDPipe, type Type } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import type { ZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { DomainError } from '../common/domain-error';
import { ErrorDto } from './contract-dtos';

/**
 * A route's document, said where the route is declared, with @nestjs/swagger's decorators and the contract DTOs
 * (contract-dtos.ts): the body and query are documented from the handler's parameter types, the answer from
 * `@Answers`. 401 and 403 follow from the route's auth (auth.decorators.ts, openapi-document.ts).
 */

/** What the route does, and its error answers by HTTP status (each body an Error). */
export function ApiDoc(summary: string, errors: Record<number, string> = {}): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary }),
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, type: ErrorDto.Output as Type }),
    ),
  );
}

type Handler<T> = Pick<TypedPropertyDescriptor<(...args: never[]) => T | Promise<T>>, 'value'>;
type Answer<D> = D extends ZodDto<infer S> ? z.output<S> : never;
type AnswerDecorator<T> = (target: object, key: string | symbol, descriptor: Handler<T>) => void;

/**
 * Its success: the status it answers with (set here, for the document and the response alike), a description,
 * and the DTO of its JSON body (`[Dto]`: an array of them). The handler must return that DTO's type, so the
 * document cannot drift from what is sent.
 */
export function Answers<D extends ZodDto<z.ZodType>>(
  status: number,
  description: string,
  dto: D,
): AnswerDecorator<Answer<D>>;
export function Answers<D extends ZodDto<z.ZodType>>(
  status: number,
  description: string,
  dto: [D],
): AnswerDecorator<Answer<D>[]>;
/** A success whose body no contract describes (204: none). */
export function Answers(status: number, description: string): AnswerDecorator<unknown>;
export function Answers(status: number, description: string, dto?: ZodDto<z.ZodType> | [ZodDto<z.ZodType>]) {
  // An answer is documented as it is sent (zod's output), a request as it is written (its input, with defaults).
  const type: Type | [Type] | undefined =
    dto === undefined ? undefined : Array.isArray(dto) ? [dto[0].Output as Type] : (dto.Output as Type);
  return applyDecorators(HttpCode(status), ApiResponse({ status, description, ...(type ? { type } : {}) }));
}

/** A success whose body is a file or text, not JSON: its media types as OpenAPI content. */
export function AnswersFile(description: string, content: Record<string, object> = { 'application/octet-stream': {} }) {
  return applyDecorators(HttpCode(200), ApiResponse({ status: 200, description, content }));
}

/**
 * A uuid path parameter. Anything else cannot name a `what` (a run, a group, a key), so it is answered as one
 * that does not exist, 404 NOT_FOUND, and never reaches a uuid column.
 */
export function IdParam(what: string, name = 'id'): ParameterDecorator {
  const pipe = new ParseUUIDPipe({ exceptionFactory: () => new DomainError('NOT_FOUND', `${what} not found`) });
  return (target, key, index) => {
    Param(name, pipe)(target, key, index);
    documentParam(target, key, { name, schema: { type: 'string', format: 'uuid' } });
  };
}

/** A path parameter other than an id, documented by its JSON Schema; the service answers 404 for one it lacks. */
export function PathParam(name: string, schema: Record<string, unknown>): ParameterDecorator {
  return (target, key, index) => {
    Param(name)(target, key, index);
    documentParam(target, key, { name, schema });
  };
}

function documentParam(target: object, key: string | symbol | undefined, param: { name: string; schema: object }) {
  const descriptor = Object.getOwnPropertyDescriptor(target, key as string | symbol) as PropertyDescriptor;
  ApiParam({ required: true, ...param })(target, key as string | symbol, descriptor);
}

/**
 * A multipart/form-data body: the fields of `fields` (validated as the body, by its DTO) beside binary parts
 * (`files`, described), which `@UploadedFiles()` hands over.
 */
export function FormBody(fields: ZodDto<z.ZodType>, files: string): MethodDecorator {
  const properties = (
    z.toJSONSchema(fields.schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, object>;
    }
  ).properties;
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      required: true,
      schema: {
        type: 'object',
        properties: {
          files: { type: 'array', items: { type: 'string', format: 'binary' }, description: files },
          ...properties,
        },
      },
    }),
  );
}
