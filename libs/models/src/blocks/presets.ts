import {
  BLOCK_FORMAT,
  type BlockDocument,
  type BlockGraph,
  type BlockGraphRole,
  type BlockNode,
  type BlockType,
} from '@gradlab/contracts';
import { inputsOf } from './check-block';

const conv = (id: string, input: string): BlockNode => ({ id, op: 'conv', in: input });
const bn = (id: string, input: string): BlockNode => ({ id, op: 'batch_norm', in: input });
const act = (id: string, input: string): BlockNode => ({ id, op: 'leaky_relu', in: input });
const pool = (id: string, input: string): BlockNode => ({ id, op: 'avg_pool', in: input });
const add = (id: string, inputs: string[]): BlockNode => ({ id, op: 'add', in: inputs });

const block = (processing: BlockDocument['processing'], reduction: BlockDocument['reduction']): BlockDocument => ({
  format: BLOCK_FORMAT,
  processing,
  reduction,
});

/** The framework's ConvolutionalProcessingBlock and ConvolutionalDimensionalityReductionBlock. */
const CONV_BLOCK = block(
  { output: 'a1', nodes: [conv('conv_0', 'x'), act('a0', 'conv_0'), conv('conv_1', 'a0'), act('a1', 'conv_1')] },
  {
    output: 'a1',
    nodes: [conv('conv_0', 'x'), act('a0', 'conv_0'), pool('pool', 'a0'), conv('conv_1', 'pool'), act('a1', 'conv_1')],
  },
);

/** The course's reference solution: conv, leaky_relu, BN after every conv. */
const BN_REDUCTION: BlockDocument['reduction'] = {
  output: 'bn_1',
  nodes: [
    conv('conv_0', 'x'),
    act('a0', 'conv_0'),
    bn('bn_0', 'a0'),
    pool('pool', 'bn_0'),
    conv('conv_1', 'pool'),
    act('a1', 'conv_1'),
    bn('bn_1', 'a1'),
  ],
};
/** conv, leaky_relu, BN, conv, leaky_relu: what conv_block_bn and conv_block_bn_rc share before their last BN. */
const BN_PROCESSING_HEAD = [
  conv('conv_0', 'x'),
  act('a0', 'conv_0'),
  bn('bn_0', 'a0'),
  conv('conv_1', 'bn_0'),
  act('a1', 'conv_1'),
];
const CONV_BLOCK_BN = block({ output: 'bn_1', nodes: [...BN_PROCESSING_HEAD, bn('bn_1', 'a1')] }, BN_REDUCTION);
/** As conv_block_bn, the block's input added before the second BN. */
const CONV_BLOCK_BN_RC = block(
  { output: 'bn_1', nodes: [...BN_PROCESSING_HEAD, add('s', ['a1', 'x']), bn('bn_1', 's')] },
  BN_REDUCTION,
);

/** What most students write (44 + 56 of the surveyed classes): conv, BN, leaky_relu. */
const V1_REDUCTION_NODES = [
  conv('conv_0', 'x'),
  bn('bn_0', 'conv_0'),
  act('a0', 'bn_0'),
  pool('pool', 'a0'),
  conv('conv_1', 'pool'),
  bn('bn_1', 'conv_1'),
];
/** conv, BN, leaky_relu, conv, BN: what the two v1 processing blocks share before their end. */
const V1_PROCESSING_HEAD = [
  conv('conv_0', 'x'),
  bn('bn_0', 'conv_0'),
  act('a0', 'bn_0'),
  conv('conv_1', 'a0'),
  bn('bn_1', 'conv_1'),
];
const CONV_BLOCK_BN_V1 = block(
  { output: 'a1', nodes: [...V1_PROCESSING_HEAD, act('a1', 'bn_1')] },
  { output: 'a1', nodes: [...V1_REDUCTION_NODES, act('a1', 'bn_1')] },
);
/** ResNet v1 (He et al. 2016): the input added after the second BN, before the last activation; in the
 * reduction block an avg_pool(x) shortcut (38 + 7 of the surveyed classes). */
const CONV_BLOCK_BN_RC_V1 = block(
  { output: 'a1', nodes: [...V1_PROCESSING_HEAD, add('s', ['bn_1', 'x']), act('a1', 's')] },
  {
    output: 'a1',
    nodes: [...V1_REDUCTION_NODES, pool('shortcut', 'x'), add('s', ['bn_1', 'shortcut']), act('a1', 's')],
  },
);

/**
 * The menu's block types written as block graphs: one interpreter builds them all. dense_block (it reads
 * every earlier layer of its stage) and empty_block (the identity, which does not halve in reduction blocks
 * either, as the framework's EmptyBlock) reach beyond one block's graph and stay outside it; conv_block_ds
 * is conv_block's graphs with auxiliary classifiers between stages.
 */
export const BLOCK_PRESETS: Partial<Record<BlockType, BlockDocument>> = {
  conv_block: CONV_BLOCK,
  conv_block_ds: CONV_BLOCK,
  conv_block_bn: CONV_BLOCK_BN,
  conv_block_bn_rc: CONV_BLOCK_BN_RC,
  conv_block_bn_v1: CONV_BLOCK_BN_V1,
  conv_block_bn_rc_v1: CONV_BLOCK_BN_RC_V1,
};

/**
 * A block's graphs in words, in execution order: "conv, BN, leaky_relu, conv, BN, + x, leaky_relu". A node
 * whose only use is as a further input of an add (a shortcut such as avg_pool(x)) is written inside the add.
 */
export function describeBlockOrder(document: BlockDocument): Record<BlockGraphRole, string> {
  return { processing: graphInWords(document.processing), reduction: graphInWords(document.reduction) };
}

function graphInWords(graph: BlockGraph): string {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const users = (id: string) => graph.nodes.filter((n) => inputsOf(n).includes(id));
  // on a shortcut: used once, as a further input of an add, or by a node on a shortcut
  const onShortcut = (n: BlockNode): boolean => {
    const [user, ...more] = users(n.id);
    if (!user || more.length > 0) return false;
    return user.op === 'add' ? inputsOf(user)[0] !== n.id : onShortcut(user);
  };
  const term = (id: string): string => {
    const node = byId.get(id);
    if (!node) return 'x';
    const name = nodeWord(node);
    return onShortcut(node) ? `${name}(${inputsOf(node).map(term).join(', ')})` : name;
  };
  return graph.nodes
    .filter((n) => !onShortcut(n))
    .map((n) => (n.op === 'add' ? `+ ${inputsOf(n).slice(1).map(term).join(' + ')}` : term(n.id)))
    .join(', ');
}

function nodeWord(node: BlockNode): string {
  if (node.op === 'batch_norm') return 'BN';
  if (node.op !== 'conv') return node.op;
  return ['conv', node.kernel === 1 ? ' 1x1' : '', node.stride === 2 ? ' stride 2' : ''].join('');
}
