import { ModelConfigSchema } from '@gradlab/contracts';
import {
  architectureName,
  countLayers,
  deepSupervisionWeight,
  describeNetwork,
  parameterCount,
  shortParamName,
  weightParams,
} from './network-spec';
import { pickModelConfig } from './fixture-manifest';
import { readManifest } from './testing/parity-fixtures';

const FIXTURES = ['vgg08-conv_block', 'vgg38-conv_block', 'vgg38-conv_block_bn', 'vgg38-conv_block_bn_rc'];

describe('describeNetwork', () => {
  it('VGG_08 has 7 conv + 1 linear layers and 59,716 parameters', () => {
    const spec = describeNetwork(ModelConfigSchema.parse({ numBlocksPerStage: 0 }));
    expect(countLayers(spec)).toMatchObject({ conv: 7, linear: 1 });
    expect(parameterCount(spec)).toBe(59_716);
    expect(architectureName(spec.config)).toBe('VGG_08');
  });

  it('VGG_38 has 37 conv + 1 linear layers and 336,196 parameters', () => {
    const spec = describeNetwork(ModelConfigSchema.parse({ numBlocksPerStage: 5 }));
    expect(countLayers(spec)).toMatchObject({ conv: 37, linear: 1 });
    expect(parameterCount(spec)).toBe(336_196);
    expect(architectureName(spec.config)).toBe('VGG_38');
  });

  it.each(FIXTURES)('%s: same parameters, order, shapes and kinds as PyTorch', (fixture) => {
    const manifest = readManifest(fixture);
    const spec = describeNetwork(ModelConfigSchema.parse(pickModelConfig(manifest.config)));
    expect(parameterCount(spec)).toBe(manifest.counts.parameters);
    expect(countLayers(spec)).toMatchObject({ conv: manifest.counts.convLayers, linear: manifest.counts.linearLayers });
    expect(spec.params.map((p) => [p.name, p.torchShape, p.kind])).toEqual(
      manifest.params.map((p) => [p.name, p.shape, p.kind]),
    );
    // The manifest gives fan-in for weights only; a bias is initialised with its layer's fan-in.
    manifest.params.forEach((p, i) => {
      if (p.fanIn !== null) expect(spec.params[i].fanIn).toBe(p.fanIn);
    });
  });

  it('dense_block concatenates within a stage: layer b reads (b + 1) x F channels, the transition the whole stage', () => {
    const spec = describeNetwork(
      ModelConfigSchema.parse({ numFilters: 16, numStages: 2, numBlocksPerStage: 3, blockType: 'dense_block' }),
    );
    const inChannels = (name: string) =>
      spec.params.find((p) => p.name === `layer_dict.${name}.layer_dict.conv_0.weight`)?.shape[2];
    expect([0, 1, 2].map((b) => inChannels(`block_1_${b}`))).toEqual([16, 32, 48]);
    expect(inChannels('reduction_block_1')).toBe(64);
    expect(countLayers(spec)).toMatchObject({ conv: 1 + 2 * (3 + 2), linear: 1, batchNorm: 1 + 2 * (3 + 2) });
  });

  it('conv_block_ds adds an auxiliary classifier per stage but the last, whose weight decays to 0', () => {
    const spec = describeNetwork(ModelConfigSchema.parse({ numBlocksPerStage: 5, blockType: 'conv_block_ds' }));
    expect(spec.auxHeads.map((h) => h.path)).toEqual(['aux_classifier_0', 'aux_classifier_1']);
    expect(architectureName(spec.config)).toBe('VGG_38');
    expect(weightParams(spec).map((p) => shortParamName(p.name))).toContain('aux_classifier_0');
    expect([0, 50, 100].map((e) => deepSupervisionWeight(e, 100))).toEqual([0.3, 0.15, 0]);
  });

  it('empty_block keeps only the entry conv and the classifier', () => {
    const spec = describeNetwork(ModelConfigSchema.parse({ blockType: 'empty_block' }));
    expect(countLayers(spec)).toMatchObject({ conv: 1, linear: 1 });
  });

  it('gradient flow covers every parameter without "bias" in its name, in network order', () => {
    const spec = describeNetwork(ModelConfigSchema.parse({ numBlocksPerStage: 1, blockType: 'conv_block_bn' }));
    const names = weightParams(spec).map((p) => shortParamName(p.name));
    expect(names.slice(0, 4)).toEqual(['input_conv.conv_0', 'input_conv.bn_0', 'block_0_0.conv_0', 'block_0_0.bn_0']);
    expect(names[names.length - 1]).toBe('logit_linear_layer');
    expect(names.some((n) => n.includes('bias'))).toBe(false);
  });
});
