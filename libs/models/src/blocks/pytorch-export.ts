import { BLOCK_INPUT, type BlockDocument, type BlockGraphRole } from '@gradlab/contracts';
import { checkedGraphs, inputsOf, type CheckedGraph } from './check-block';
import { DROPOUT_P } from '../network-spec';
import { describeBlockOrder } from './presets';

/** The framework's own class names, which the export's are made from: `<Name>ConvolutionalProcessingBlock`. */
const CLASS_SUFFIX: Record<BlockGraphRole, string> = {
  processing: 'ConvolutionalProcessingBlock',
  reduction: 'ConvolutionalDimensionalityReductionBlock',
};

/** `my_block` (or `my-block`) -> `MyBlock`: the class-name prefix of a block's name. */
export function pythonClassPrefix(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/**
 * A block as one Python module for the course framework (pytorch_mlp_framework): two classes with the
 * framework's constructor arguments, whose build_module() registers each conv and BN in `self.layer_dict` under
 * its node id during a dummy forward pass, as the framework's own blocks do (so parameter names and order are
 * gradlab's), and whose forward() runs the graph in the same order; the `--block_type` clause for
 * train_evaluate.py; and a test that the blocks fprop. Pure: the api serves it.
 */
export function exportBlockToPytorch(name: string, block: BlockDocument): string {
  const graphs = checkedGraphs(block);
  const prefix = pythonClassPrefix(name);
  const order = describeBlockOrder(block);
  const processing = `${prefix}${CLASS_SUFFIX.processing}`;
  const reduction = `${prefix}${CLASS_SUFFIX.reduction}`;
  return `"""${name}: a block written in gradlab (gradlab.block/1), exported for the course framework.

Processing block: ${order.processing}
Reduction block:  ${order.reduction}

Use it in pytorch_mlp_framework: paste the two classes into model_architectures.py (or import them from this
file), add this clause to train_evaluate.py beside the other block types, and train with
--block_type ${name}:

${clause(name, processing, reduction)
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}

Inside the framework's ConvolutionalNetwork the parameters are named, ordered and shaped as gradlab's:
layer_dict.block_0_0.layer_dict.<node id>.weight, and so on.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


${blockClass(processing, 'processing', graphs.processing)}


${blockClass(reduction, 'reduction', graphs.reduction)}


# The clause for train_evaluate.py (here as a function, so this file runs on its own):
def block_types(block_type):
    if block_type == '${name}':
        return ${processing}, ${reduction}
    raise ModuleNotFoundError(block_type)


def test_${snakeName(name)}_blocks_fprop(batch_size=2, num_filters=8, height=8, width=8):
    """The blocks build and fprop: a processing block keeps its input's shape, a reduction block halves it."""
    shape = (batch_size, num_filters, height, width)
    x = torch.randn(shape)
    block = ${processing}(input_shape=shape, num_filters=num_filters, kernel_size=3, padding=1,
        bias=False, dilation=1)
    assert block.forward(x).shape == shape
    block = ${reduction}(input_shape=shape, num_filters=num_filters, kernel_size=3, padding=1,
        bias=True, dilation=1, reduction_factor=2)
    assert block.forward(x).shape == (batch_size, num_filters, height // 2, width // 2)


if __name__ == '__main__':
    test_${snakeName(name)}_blocks_fprop()
    print('${name}: the processing and reduction blocks fprop')
`;
}

/** The name as part of a Python function's name: `my-block` -> `my_block`. */
export function snakeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function clause(name: string, processing: string, reduction: string): string {
  return `elif args.block_type == '${name}':
    processing_block_type = ${processing}
    dim_reduction_block_type = ${reduction}`;
}

function blockClass(className: string, role: BlockGraphRole, graph: CheckedGraph): string {
  const reductionArgument = role === 'reduction' ? ', reduction_factor' : '';
  const reductionField = role === 'reduction' ? '\n        self.reduction_factor = reduction_factor' : '';
  return `class ${className}(nn.Module):
    def __init__(self, input_shape, num_filters, kernel_size, padding, bias, dilation${reductionArgument}):
        super(${className}, self).__init__()

        self.num_filters = num_filters
        self.kernel_size = kernel_size
        self.input_shape = input_shape
        self.padding = padding
        self.bias = bias
        self.dilation = dilation${reductionField}

        self.build_module()

    def build_module(self):
        self.layer_dict = nn.ModuleDict()
        x = torch.zeros(self.input_shape)
${body(role, graph, true)}

    def forward(self, x):
${body(role, graph, false)}`;
}

/** The graph's nodes as Python, in execution order; with `build`, each conv and BN is created before its use. */
function body(role: BlockGraphRole, graph: CheckedGraph, build: boolean): string {
  const value = (id: string) => (id === BLOCK_INPUT ? 'x' : `out_${id}`);
  const lines: string[] = [];
  for (const node of graph.order) {
    const ins = inputsOf(node).map(value);
    const out = value(node.id);
    const layer = `self.layer_dict['${node.id}']`;
    switch (node.op) {
      case 'conv': {
        if (build) {
          const kernel =
            node.kernel === 1 ? 'kernel_size=1, padding=0' : 'kernel_size=self.kernel_size, padding=self.padding';
          const bias =
            node.bias === undefined || node.bias === 'framework' ? 'self.bias' : node.bias ? 'True' : 'False';
          lines.push(
            `${layer} = nn.Conv2d(in_channels=${ins[0]}.shape[1], out_channels=self.num_filters, bias=${bias},`,
            `    ${kernel}, dilation=self.dilation, stride=${node.stride ?? 1})`,
          );
        }
        lines.push(`${out} = ${layer}.forward(${ins[0]})`);
        break;
      }
      case 'batch_norm':
        if (build) lines.push(`${layer} = nn.BatchNorm2d(num_features=${ins[0]}.shape[1])`);
        lines.push(`${out} = ${layer}.forward(${ins[0]})`);
        break;
      case 'leaky_relu':
        lines.push(
          `${out} = F.leaky_relu(${ins[0]}${node.slope === undefined ? '' : `, negative_slope=${node.slope}`})`,
        );
        break;
      case 'relu':
        lines.push(`${out} = F.relu(${ins[0]})`);
        break;
      case 'tanh':
        lines.push(`${out} = torch.tanh(${ins[0]})`);
        break;
      case 'avg_pool':
      case 'max_pool': {
        // pools run only in reduction blocks: a processing block must keep its shape
        const factor = role === 'reduction' ? 'self.reduction_factor' : '2';
        lines.push(`${out} = F.${node.op}2d(${ins[0]}, ${factor})`);
        break;
      }
      case 'add':
        lines.push(`${out} = ${ins.join(' + ')}`);
        break;
      case 'dropout':
        lines.push(`${out} = F.dropout(${ins[0]}, p=${node.p ?? DROPOUT_P}, training=self.training)`);
        break;
    }
  }
  lines.push(build ? `print(${value(graph.output)}.shape)` : `return ${value(graph.output)}`);
  return lines.map((line) => `        ${line}`).join('\n');
}
