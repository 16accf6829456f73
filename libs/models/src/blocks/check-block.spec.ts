import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BLOCK_FORMAT, type BlockNode } from '@gradlab/contracts';
import { checkBlock, formatShape, type BlockIssue, type BlockShape } from './check-block';
import { BLOCK_PRESETS } from './presets';

const EXAMPLES = path.resolve(__dirname, '../../../../examples/blocks');
const n = (id: string, op: string, input: string | string[], extra: object = {}) => ({ id, op, in: input, ...extra });
const PLAIN_REDUCTION = {
  output: 'a1',
  nodes: [
    n('conv_0', 'conv', 'x'),
    n('a0', 'leaky_relu', 'conv_0'),
    n('pool', 'avg_pool', 'a0'),
    n('conv_1', 'conv', 'pool'),
    n('a1', 'leaky_relu', 'conv_1'),
  ],
};
const PLAIN_PROCESSING = {
  output: 'a1',
  nodes: [
    n('conv_0', 'conv', 'x'),
    n('a0', 'leaky_relu', 'conv_0'),
    n('conv_1', 'conv', 'a0'),
    n('a1', 'leaky_relu', 'conv_1'),
  ],
};
const block = (processing: object = PLAIN_PROCESSING, reduction: object = PLAIN_REDUCTION) => ({
  format: BLOCK_FORMAT,
  processing,
  reduction,
});

function issues(input: unknown): BlockIssue[] {
  const result = checkBlock(input);
  if (result.ok) throw new Error('expected the block to be refused');
  return result.issues;
}

describe('checkBlock', () => {
  it.each(Object.entries(BLOCK_PRESETS))('accepts the %s preset', (_, preset) => {
    expect(checkBlock(preset).ok).toBe(true);
  });

  it.each(readdirSync(EXAMPLES))('accepts examples/blocks/%s', (file) => {
    const { block: example } = JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8'));
    expect(checkBlock(example)).toMatchObject({ ok: true });
  });

  it('infers every node shape: the pooled nodes of a reduction block are (F, H/2, W/2)', () => {
    const result = checkBlock(block());
    if (!result.ok) throw new Error('refused');
    const shapes = result.graphs.reduction.shapes;
    expect(formatShape(shapes.get('a0') as BlockShape)).toBe('(F, H, W)');
    expect(formatShape(shapes.get('pool') as BlockShape)).toBe('(F, H/2, W/2)');
    expect(formatShape(shapes.get('a1') as BlockShape)).toBe('(F, H/2, W/2)');
  });

  it('runs the nodes in document order where the inputs allow, whatever order they are written in', () => {
    const reversed = { ...PLAIN_PROCESSING, nodes: [...PLAIN_PROCESSING.nodes].reverse() };
    const result = checkBlock(block(reversed));
    if (!result.ok) throw new Error('refused');
    expect(result.graphs.processing.order.map((node: BlockNode) => node.id)).toEqual(['conv_0', 'a0', 'conv_1', 'a1']);
  });

  it('refuses a cycle, naming a node on it and the cycle', () => {
    const cyclic = { output: 'a1', nodes: [n('conv_0', 'conv', 'a1'), n('a1', 'leaky_relu', 'conv_0')] };
    expect(issues(block(cyclic))).toEqual([
      { graph: 'processing', node: 'conv_0', message: 'a cycle: conv_0 -> a1 -> conv_0' },
    ]);
  });

  it('refuses an unknown op, naming the node and the ops there are', () => {
    const swish = { output: 'a', nodes: [n('a', 'swish', 'x')] };
    const [issue] = issues(block(swish));
    expect(issue).toMatchObject({ graph: 'processing', node: 'a' });
    expect(issue.message).toContain('unknown op "swish"; ops are conv, batch_norm');
  });

  it('refuses a residual added to an already pooled tensor, naming the add and both shapes', () => {
    const pooledResidual = {
      output: 's',
      nodes: [...PLAIN_REDUCTION.nodes, n('s', 'add', ['a1', 'x'])],
    };
    expect(issues(block(PLAIN_PROCESSING, pooledResidual))).toEqual([
      {
        graph: 'reduction',
        node: 's',
        message: "node 's' (add): its inputs' shapes disagree: 'a1' is (F, H/2, W/2), 'x' is (F, H, W)",
      },
    ]);
  });

  it('refuses a dead branch: forward returns lrelu(x + x) and the convolutions go unused', () => {
    const deadBranch = {
      output: 'out',
      nodes: [...PLAIN_PROCESSING.nodes, n('s', 'add', ['x', 'x']), n('out', 'leaky_relu', 's')],
    };
    const [issue] = issues(block(deadBranch));
    expect(issue).toEqual({
      graph: 'processing',
      node: 'conv_0',
      message: "nodes 'conv_0', 'a0', 'conv_1', 'a1' do not feed the output 'out' (a dead branch)",
    });
  });

  it('refuses duplicate ids (a BN registered twice), naming the id and both places', () => {
    const twice = { output: 'bn_0', nodes: [n('bn_0', 'batch_norm', 'x'), n('bn_0', 'batch_norm', 'x')] };
    expect(issues(block(twice))).toEqual([
      { graph: 'processing', node: 'bn_0', message: "duplicate id 'bn_0' (nodes[0] and nodes[1])" },
    ]);
  });

  it('refuses a processing block that changes the shape, naming its output node and both shapes', () => {
    const halving = { output: 'c', nodes: [n('c', 'conv', 'x', { stride: 2 })] };
    expect(issues(block(halving))).toEqual([
      {
        graph: 'processing',
        node: 'c',
        message: "the processing block returns (F, H/2, W/2) from 'c'; it must keep its input's shape: (F, H, W)",
      },
    ]);
  });

  it('refuses a reduction block that does not reduce', () => {
    expect(issues(block(PLAIN_PROCESSING, PLAIN_PROCESSING))[0]).toMatchObject({ graph: 'reduction', node: 'a1' });
  });

  it.each([
    ['conv-0', 'must match'],
    ['1conv', 'must match'],
    ['x', "'x' is the block's input"],
    ['update', "attribute of PyTorch's nn.ModuleDict"],
    ['_modules', "attribute of PyTorch's nn.ModuleDict"],
  ])('refuses the layer id %s', (id, message) => {
    const [issue] = issues(block({ output: id, nodes: [n(id, 'conv', 'x')] }));
    expect(issue.node).toBe(id);
    expect(issue.message).toContain(message);
  });

  it('refuses 10,000 nodes at once, by count, before reading them', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => n(`a${i}`, 'relu', i === 0 ? 'x' : `a${i - 1}`));
    expect(issues(block({ output: 'a9999', nodes }))).toEqual([
      { graph: 'processing', node: null, message: 'processing has 10000 nodes; at most 64' },
    ]);
  });

  it('refuses unknown attributes, bad attribute values and wrong arity, each naming the node', () => {
    const bad = {
      output: 's',
      nodes: [
        n('c', 'conv', 'x', { kernel: 5 }),
        n('r', 'relu', 'c', { slope: 0.1 }),
        n('d', 'dropout', 'r', { p: 1 }),
        n('s', 'add', ['d']),
      ],
    };
    expect(issues(block(bad)).map((i) => [i.node, i.message])).toEqual([
      ['c', "node 'c': kernel must be 1 or 3"],
      ['r', "node 'r': relu takes no 'slope' (its attributes: none)"],
      ['d', "node 'd': p must be a number from 0 up to (not including) 1"],
      ['s', "node 's': add takes two or more inputs"],
    ]);
  });

  it('refuses an input that names no node, and an output that names none', () => {
    expect(issues(block({ output: 'zz', nodes: [n('a', 'relu', 'nope')] })).map((i) => i.message)).toEqual([
      "node 'a': input 'nope' is neither 'x' nor a node of processing",
      'processing.output must be \'x\' or the id of one of its nodes (got "zz")',
    ]);
  });

  it('refuses what is not a block: the wrong format, a missing graph, another JSON value', () => {
    expect(issues({ format: 'gradlab.block/2', processing: PLAIN_PROCESSING }).map((i) => i.message)).toEqual([
      "format must be 'gradlab.block/1'",
      'reduction must be an object { output, nodes }',
    ]);
    expect(issues([1, 2])).toEqual([{ graph: null, node: null, message: 'a block is a JSON object' }]);
  });
});
