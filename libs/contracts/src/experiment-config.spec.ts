import { ExperimentConfigSchema } from './experiment-config';
import { CreateRunRequestSchema } from './runs';
import { parseWith } from './validation';
import { redisConnectionFromUrl } from './redis-connection';

const BLOCK_ID = '3f1c2a8e-5b7d-4c1e-9a2f-6d8b0e4c7a15';

describe('ExperimentConfig', () => {
  it('fills in the course framework defaults', () => {
    const config = ExperimentConfigSchema.parse({});
    expect(config.model).toEqual({ numFilters: 32, numStages: 3, numBlocksPerStage: 5, blockType: 'conv_block' });
    expect(config.training).toEqual({
      epochs: 100,
      batchSize: 100,
      learningRate: 1e-3,
      minLearningRate: 2e-5,
      weightDecay: 0,
      seed: 0,
    });
    expect(config.data).toEqual({ dataset: 'cifar100', augment: true });
  });

  it('keeps what was given and defaults the rest of a section', () => {
    const config = ExperimentConfigSchema.parse({
      model: { numBlocksPerStage: 0 },
      data: { dataset: 'synthetic', trainLimit: 300 },
    });
    expect(config.model.numBlocksPerStage).toBe(0);
    expect(config.model.numFilters).toBe(32);
    expect(config.data).toEqual({ dataset: 'synthetic', augment: true, trainLimit: 300 });
  });

  it.each([
    [{ model: { numFilters: 0 } }, 'model.numFilters'],
    [{ model: { numStages: 6 } }, 'model.numStages'],
    [{ model: { numBlocksPerStage: 1.5 } }, 'model.numBlocksPerStage'],
    [{ model: { blockType: 'resnet' } }, 'model.blockType'],
    [{ training: { epochs: 0 } }, 'training.epochs'],
    [{ training: { batchSize: -1 } }, 'training.batchSize'],
    [{ training: { learningRate: 0 } }, 'training.learningRate'],
    [{ training: { weightDecay: 2 } }, 'training.weightDecay'],
    [{ training: { learningRate: 1e-5, minLearningRate: 1e-4 } }, 'training.minLearningRate'],
    [{ data: { dataset: 'mnist' } }, 'data.dataset'],
    [{ data: { trainLimit: 0 } }, 'data.trainLimit'],
    [{ model: { numFilter: 8 } }, 'model'],
    [{ model: { block: 'not-an-id' } }, 'model.block'],
    [{ model: { block: BLOCK_ID, blockType: 'conv_block_bn' } }, 'model.block'],
    [{ model: { blockType: 'custom' } }, 'model.block'],
  ])('rejects %j naming %s', (input, field) => {
    const result = parseWith(ExperimentConfigSchema, input, 'config');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toContain(`config.${field}`);
  });

  it("takes a team's block by id in place of blockType, which becomes custom", () => {
    const config = ExperimentConfigSchema.parse({ model: { block: BLOCK_ID } });
    expect(config.model).toMatchObject({ block: BLOCK_ID, blockType: 'custom' });
  });

  it('rejects a run request without a config object', () => {
    const result = parseWith(CreateRunRequestSchema, { name: 'x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0].field).toBe('config');
  });
});

describe('redisConnectionFromUrl', () => {
  it('parses host, port, password and database', () => {
    expect(redisConnectionFromUrl('redis://:secret@cache:6380/2')).toMatchObject({
      host: 'cache',
      port: 6380,
      password: 'secret',
      db: 2,
    });
  });
  it('rejects another scheme', () => {
    expect(() => redisConnectionFromUrl('http://x')).toThrow(/REDIS_URL/);
  });
});
