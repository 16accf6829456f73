import type { ResolverOptions } from 'react-hook-form';
import { checkNewRun, DEFAULTS, flatErrors, newRunFields, type NewRunFields } from './new-run-fields';

const options = { fields: {}, shouldUseNativeValidation: false } as ResolverOptions<NewRunFields>;
/** The form as it opens, with `change` typed into it. */
const form = (change?: (values: NewRunFields) => void): NewRunFields => {
  const values = newRunFields();
  change?.(values);
  return values;
};
const check = async (values: NewRunFields) => checkNewRun(values, undefined, options);

describe('the New run form as a request', () => {
  it('submits the defaults as one run, with the name trimmed and numbers parsed', async () => {
    const result = await check(
      form((v) => {
        v.name = '  VGG_08 seed 3 ';
        v.config.training.seed = '3';
      }),
    );
    expect(result.errors).toEqual({});
    expect(result.values).toMatchObject({
      kind: 'run',
      request: { name: 'VGG_08 seed 3', config: { training: { seed: 3 }, data: { augment: DEFAULTS.data.augment } } },
    });
  });

  it("names each bad field under its own path: text that is no number, and the contract's bounds", async () => {
    const result = await check(
      form((v) => {
        v.config.training.batchSize = 'many';
        v.config.model.numFilters = '0';
      }),
    );
    expect(result.values).toEqual({});
    const errors = flatErrors(result.errors);
    expect(errors).toContainEqual({ field: 'config.training.batchSize', message: '"many" is not a number' });
    expect(errors.find((e) => e.field === 'config.model.numFilters')?.message).toMatch(/>=\s*1|too small/i);
  });

  it('leaves an emptied field to the default instead of sending it', async () => {
    const result = await check(form((v) => (v.config.data.trainLimit = '  ')));
    expect(result.values).toMatchObject({ kind: 'run' });
    expect((result.values as { request: { config: { data: object } } }).request.config.data).not.toHaveProperty(
      'trainLimit',
    );
  });

  it('is a group when seeds or a grid are given, and names the seeds that do not parse', async () => {
    const group = await check(form((v) => Object.assign(v, { seeds: '0..2', grid: 'lr=1e-3,3e-4' })));
    expect(group.values).toMatchObject({ kind: 'group', request: { seeds: [0, 1, 2], grid: { lr: [1e-3, 3e-4] } } });
    const bad = await check(form((v) => (v.seeds = 'a few')));
    expect(flatErrors(bad.errors).map((e) => e.field)).toEqual(['seeds']);
  });

  it("fills every field from a stored run's config, with limits empty where the run used all the data", () => {
    const fields = newRunFields({
      name: 'VGG_38',
      config: { ...DEFAULTS, data: { ...DEFAULTS.data, trainLimit: 500, valLimit: undefined } },
    });
    expect(fields.name).toBe('VGG_38 (edited)');
    expect(fields.config.data.trainLimit).toBe('500');
    expect(fields.config.data.valLimit).toBe('');
    expect(fields.config.model.blockType).toBe(DEFAULTS.model.blockType);
  });
});
