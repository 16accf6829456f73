import { ExperimentConfigSchema } from '@gradlab/contracts';
import { runAgainRequest } from './run-again';

describe('run again', () => {
  const config = ExperimentConfigSchema.parse({ training: { seed: 3, epochs: 7 } });

  it('keeps the config and takes the next seed, renaming the seed in the name', () => {
    const request = runAgainRequest({ name: 'VGG_38 BN seed 3', config });
    expect(request.name).toBe('VGG_38 BN seed 4');
    expect(request.config).toEqual({ ...config, training: { ...config.training, seed: 4 } });
  });

  it('says the seed in a name that had none', () => {
    expect(runAgainRequest({ name: 'my run', config }).name).toBe('my run seed 4');
  });
});
