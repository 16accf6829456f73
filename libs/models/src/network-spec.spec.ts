import { ModelConfigSchema } from '@gradlab/contracts';
import { architectureName, countLayers, describeNetwork, parameterCount, shortParamName, weightParams } from './network-spec';
import { pickModelConfig, readManifest } from './parity-fixtures';

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
    expect(spec.params.map((p) => [p.name, p.torchShape, p.kind])).toEqual(manifest.params.map((p) => [p.name, p.shape, p.kind]));
    // The manifest gives fan-in for weights only; a bias is initialised with its layer's fan-in.
    manifest.params.forEach((p, i) => {
      if (p.fanIn !== null) expect(spec.params[i].fanIn).toBe(p.fanIn);
    });
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
