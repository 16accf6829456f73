import { BLOCK_TYPE_ORDERS, ModelConfigSchema, type BlockDocument, type BlockType } from '@gradlab/contracts';
import { readManifest } from '../testing/parity-fixtures';
import { describeNetwork, parameterCount } from '../network-spec';
import { pickModelConfig } from '../fixture-manifest';
import { BLOCK_PRESETS, describeBlockOrder } from './presets';

describe('block presets', () => {
  it.each(Object.entries(BLOCK_PRESETS).filter(([type]) => type !== 'conv_block_ds'))(
    "%s's graphs read as its words on the New run form",
    (type, preset) => {
      expect(describeBlockOrder(preset)).toEqual(BLOCK_TYPE_ORDERS[type as BlockType]);
    },
  );

  // The built-ins were hand-written blocks before they were graphs: the shared fixtures name every parameter
  // in PyTorch's order, and the presets must give the same names, order and shapes.
  it.each(['vgg38-conv_block', 'vgg38-conv_block_bn', 'vgg38-conv_block_bn_rc', 'vgg08-conv_block'])(
    '%s: the preset names, orders and shapes every parameter as the PyTorch fixture does',
    (fixture) => {
      const manifest = readManifest(fixture);
      const spec = describeNetwork(ModelConfigSchema.parse(pickModelConfig(manifest.config)));
      expect(spec.params.map((p) => [p.name, p.torchShape])).toEqual(manifest.params.map((p) => [p.name, p.shape]));
      expect(parameterCount(spec)).toBe(manifest.counts.parameters);
    },
  );

  it('describes a shortcut chain inside its add: the 1x1 stride-2 projection', () => {
    const words = describeBlockOrder({
      format: 'gradlab.block/1',
      processing: (BLOCK_PRESETS.conv_block_bn_rc_v1 as BlockDocument).processing,
      reduction: {
        output: 's',
        nodes: [
          { id: 'conv_0', op: 'conv', in: 'x' },
          { id: 'pool', op: 'avg_pool', in: 'conv_0' },
          { id: 'proj', op: 'conv', in: 'x', kernel: 1, stride: 2 },
          { id: 'bn_proj', op: 'batch_norm', in: 'proj' },
          { id: 's', op: 'add', in: ['pool', 'bn_proj'] },
        ],
      },
    });
    expect(words.reduction).toBe('conv, avg_pool, + BN(conv 1x1 stride 2(x))');
  });
});
