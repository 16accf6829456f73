import { CreateRunRequest, ListRunsQuery } from '../docs/contract-dtos';
import { ContractValidationPipe } from './contract-validation.pipe';
import { DomainError } from './domain-error';

describe('ContractValidationPipe', () => {
  const pipe = new ContractValidationPipe();

  it('parses a body typed with a contract DTO, defaults filled in', () => {
    const parsed = pipe.transform(
      { config: { model: { blockType: 'conv_block' } } },
      { type: 'body', metatype: CreateRunRequest },
    );
    expect(parsed).toMatchObject({ config: { training: { batchSize: 100 } } });
  });

  it('answers VALIDATION_FAILED naming the request and each bad field', () => {
    let error: unknown;
    try {
      pipe.transform({ config: { model: { numFilters: -1 } }, extra: 1 }, { type: 'body', metatype: CreateRunRequest });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    expect((error as DomainError).message).toMatch(/^invalid run: /);
    expect(JSON.stringify((error as DomainError).fieldErrors)).toContain('config.model.numFilters');
  });

  it('parses a query with its contract, and names it as a query', () => {
    expect(pipe.transform({ pageSize: '5' }, { type: 'query', metatype: ListRunsQuery })).toMatchObject({
      pageSize: 5,
    });
    expect(() => pipe.transform({ pageSize: 'many' }, { type: 'query', metatype: ListRunsQuery })).toThrow(
      /^invalid query: pageSize/,
    );
  });

  it('passes anything else as it is: a path parameter, a body of bytes', () => {
    const bytes = Buffer.from([1, 2, 3]);
    expect(pipe.transform(bytes, { type: 'body', metatype: Object })).toBe(bytes);
    expect(pipe.transform('not-a-uuid', { type: 'param', metatype: String, data: 'id' })).toBe('not-a-uuid');
  });
});
