import { ModelConfigSchema } from '@gradlab/contracts';
import { describeNetwork } from './network-spec';
import { epochWork, forwardMultiplyAdds, splitSizes } from './network-cost';

describe('network cost', () => {
  it('counts VGG_08 by hand: the entry conv, then per stage a conv at its size and one after the 2x2 pool', () => {
    const vgg08 = describeNetwork(ModelConfigSchema.parse({ numBlocksPerStage: 0 }));
    const conv = (cin: number, cout: number, side: number) => 9 * cin * cout * side * side;
    const byHand =
      conv(3, 32, 32) +
      conv(32, 32, 32) +
      conv(32, 32, 16) +
      conv(32, 32, 16) +
      conv(32, 32, 8) +
      conv(32, 32, 8) +
      conv(32, 32, 4) +
      32 * 100;
    expect(forwardMultiplyAdds(vgg08)).toBe(byHand);
    expect(byHand).toBe(16_370_816);
    // VGG_38 adds five processing blocks (two convs each) per stage at the stage's size.
    const vgg38 = describeNetwork(ModelConfigSchema.parse({}));
    expect(forwardMultiplyAdds(vgg38)).toBe(byHand + 5 * 2 * (conv(32, 32, 32) + conv(32, 32, 16) + conv(32, 32, 8)));
  });

  it('sizes the splits as the loader does, and weighs training three times validation', () => {
    expect(splitSizes({ dataset: 'cifar100' })).toEqual({ train: 47_500, val: 2_500, test: 10_000 });
    expect(splitSizes({ dataset: 'synthetic', trainLimit: 300, valLimit: 100_000 })).toEqual({
      train: 300,
      val: 250,
      test: 1_000,
    });
    const spec = describeNetwork(ModelConfigSchema.parse({ numBlocksPerStage: 0 }));
    expect(epochWork(spec, { dataset: 'synthetic', trainLimit: 300, valLimit: 100 })).toBe(
      forwardMultiplyAdds(spec) * 1000,
    );
  });
});
