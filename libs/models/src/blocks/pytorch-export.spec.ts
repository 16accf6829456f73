import type { BlockDocument } from '@gradlab/contracts';
import { BLOCK_PRESETS } from './presets';
import { exportBlockToPytorch, pythonClassPrefix, snakeName } from './pytorch-export';

describe('exportBlockToPytorch', () => {
  const code = exportBlockToPytorch('resnet-v1.2', BLOCK_PRESETS.conv_block_bn_rc_v1 as BlockDocument);

  it("makes Python names of any block name, and keeps the name as the framework's --block_type", () => {
    expect(pythonClassPrefix('my_block')).toBe('MyBlock');
    expect(pythonClassPrefix('resnet-v1.2')).toBe('ResnetV12');
    expect(snakeName('resnet-v1.2')).toBe('resnet_v1_2');
    expect(code).toContain('class ResnetV12ConvolutionalProcessingBlock(nn.Module):');
    expect(code).toContain("elif args.block_type == 'resnet-v1.2':");
    expect(code).toContain('def test_resnet_v1_2_blocks_fprop(');
  });

  it('imports what the framework imports and nothing else', () => {
    const imports = code.split('\n').filter((line) => /^(import|from) /.test(line));
    expect(imports).toEqual(['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F']);
  });

  it("builds every conv and BN in the framework's build pass, in execution order, and adds the shortcut in forward", () => {
    const registered = [...code.matchAll(/self\.layer_dict\['(\w+)'\] = nn\.(\w+)\(/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(registered).toEqual([
      'conv_0:Conv2d',
      'bn_0:BatchNorm2d',
      'conv_1:Conv2d',
      'bn_1:BatchNorm2d', // processing
      'conv_0:Conv2d',
      'bn_0:BatchNorm2d',
      'conv_1:Conv2d',
      'bn_1:BatchNorm2d', // reduction
    ]);
    expect(code).toContain('out_s = out_bn_1 + out_shortcut');
    expect(code).toContain('out_shortcut = F.avg_pool2d(x, self.reduction_factor)');
  });
});
