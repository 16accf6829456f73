import { BLOCK_INPUT, type BlockDocument, type BlockGraphRole, type ModelConfig } from '@gradlab/contracts';
import { checkedGraphs, inputsOf, type CheckedGraph } from './blocks/check-block';
import { BLOCK_PRESETS } from './blocks/presets';

/** Parameter kinds as the PyTorch parity fixtures name them. */
export type ParamKind = 'conv_weight' | 'conv_bias' | 'bn_weight' | 'bn_bias' | 'linear_weight' | 'linear_bias';

export interface ParamSpec {
  /** PyTorch's parameter name, e.g. `layer_dict.block_0_0.layer_dict.conv_0.weight`. */
  name: string;
  kind: ParamKind;
  /** TensorFlow.js layout: conv [kh, kw, in, out], linear [in, out]. */
  shape: number[];
  /** PyTorch layout: conv [out, in, kh, kw], linear [out, in]. */
  torchShape: number[];
  /** Inputs per output unit, for PyTorch's default initialisation; null for batch norm. */
  fanIn: number | null;
}

/** Batch-norm running statistics: state that is saved but not trained. */
export interface BufferSpec {
  name: string;
  shape: number[];
  init: 'zeros' | 'ones';
}

export interface ConvSpec {
  /** Module path, e.g. `layer_dict.block_0_0.layer_dict.conv_0`. */
  path: string;
  inChannels: number;
  outChannels: number;
  bias: boolean;
  /** 3 or 1 (block graphs allow both); padding is (kernel - 1) / 2, as the framework's. */
  kernel: 1 | 3;
  stride: 1 | 2;
}

export interface BatchNormSpec {
  path: string;
  channels: number;
}

/** One node of a block graph, ready to run: its inputs by id, and the layer it owns if it owns one. */
export type BlockStep = { id: string; inputs: string[] } & (
  | { op: 'conv'; conv: ConvSpec }
  | { op: 'batch_norm'; bn: BatchNormSpec }
  | { op: 'leaky_relu'; slope: number }
  | { op: 'dropout'; p: number }
  | { op: 'relu' | 'tanh' | 'avg_pool' | 'max_pool' | 'add' }
);

export type BlockSpec =
  | { type: 'entry'; path: string; conv: ConvSpec; bn: BatchNormSpec }
  /** A processing or reduction block: its graph's nodes in execution order (libs/models/src/blocks). */
  | { type: 'graph'; role: BlockGraphRole; path: string; output: string; steps: BlockStep[] }
  /** A dense layer: conv -> leaky_relu -> BN on everything before it in the stage, concatenated after it. */
  | { type: 'dense'; path: string; conv0: ConvSpec; bn0: BatchNormSpec }
  /** Marks the end of a stage: where deep supervision's auxiliary classifier reads, and dense stages reset. */
  | { type: 'stage-end'; stage: number; aux: LinearSpec | null };

export interface LinearSpec {
  path: string;
  inFeatures: number;
  outFeatures: number;
}

export interface NetworkSpec {
  config: ModelConfig;
  numClasses: number;
  imageSize: number;
  blocks: BlockSpec[];
  head: LinearSpec;
  /** Deep supervision's auxiliary classifiers, one per stage but the last (whose output the head reads). */
  auxHeads: LinearSpec[];
  params: ParamSpec[];
  buffers: BufferSpec[];
}

export const NUM_CLASSES = 100;
export const IMAGE_SIZE = 32;
export const IMAGE_CHANNELS = 3;
export const LEAKY_RELU_SLOPE = 0.01;
/** A dropout node's p when the block leaves it out: PyTorch's default. */
export const DROPOUT_P = 0.5;
export const BATCH_NORM_EPSILON = 1e-5;
/** PyTorch's sense: running = (1 - momentum) * running + momentum * batch. */
export const BATCH_NORM_MOMENTUM = 0.1;

/**
 * The coursework's ConvolutionalNetwork (pytorch_mlp_framework/model_architectures.py), described without
 * creating any tensor: entry conv + BN + leaky_relu; per stage `numBlocksPerStage` processing blocks and one
 * reduction block, each the block's graph; global average pool; linear. `empty_block` replaces processing and
 * reduction blocks by the identity, as the framework's EmptyBlock does; `dense_block` concatenates within a
 * stage and has conv_block_bn's reduction block as its transition.
 */
export function describeNetwork(config: ModelConfig, numClasses = NUM_CLASSES): NetworkSpec {
  const f = config.numFilters;
  const dense = config.blockType === 'dense_block';
  const deepSupervision = config.blockType === 'conv_block_ds';
  const auxHeads: LinearSpec[] = [];
  const bn = (path: string): BatchNormSpec => ({ path, channels: f });
  const conv = (path: string, inChannels: number): ConvSpec => ({
    path,
    inChannels,
    outChannels: f,
    bias: false,
    kernel: 3,
    stride: 1,
  });

  const blocks: BlockSpec[] = [];
  const entry = 'layer_dict.input_conv';
  blocks.push({
    type: 'entry',
    path: entry,
    conv: conv(`${entry}.layer_dict.conv_0`, IMAGE_CHANNELS),
    bn: bn(`${entry}.layer_dict.bn_0`),
  });

  if (config.blockType !== 'empty_block') {
    const graphs = checkedGraphs(blockDocument(config));
    for (let stage = 0; stage < config.numStages; stage++) {
      for (let block = 0; block < config.numBlocksPerStage; block++) {
        const path = `layer_dict.block_${stage}_${block}`;
        if (dense) {
          // growth rate = numFilters: layer `block` sees the stage input and the block earlier layers' outputs
          blocks.push({
            type: 'dense',
            path,
            conv0: conv(`${path}.layer_dict.conv_0`, f * (block + 1)),
            bn0: bn(`${path}.layer_dict.bn_0`),
          });
          continue;
        }
        blocks.push(graphBlock(graphs.processing, 'processing', path, f, f));
      }
      // in a dense stage the reduction block is the transition: it reads the concatenation of the whole stage
      const inChannels = dense ? f * (config.numBlocksPerStage + 1) : f;
      blocks.push(graphBlock(graphs.reduction, 'reduction', `layer_dict.reduction_block_${stage}`, f, inChannels));
      const aux =
        deepSupervision && stage < config.numStages - 1
          ? { path: `aux_classifier_${stage}`, inFeatures: f, outFeatures: numClasses }
          : null;
      if (aux) auxHeads.push(aux);
      blocks.push({ type: 'stage-end', stage, aux });
    }
  }
  const head: LinearSpec = { path: 'logit_linear_layer', inFeatures: f, outFeatures: numClasses };

  const params: ParamSpec[] = [];
  const buffers: BufferSpec[] = [];
  const addConv = (c: ConvSpec) => {
    const fanIn = c.inChannels * c.kernel * c.kernel;
    params.push({
      name: `${c.path}.weight`,
      kind: 'conv_weight',
      shape: [c.kernel, c.kernel, c.inChannels, c.outChannels],
      torchShape: [c.outChannels, c.inChannels, c.kernel, c.kernel],
      fanIn,
    });
    if (c.bias)
      params.push({
        name: `${c.path}.bias`,
        kind: 'conv_bias',
        shape: [c.outChannels],
        torchShape: [c.outChannels],
        fanIn,
      });
  };
  const addBn = (b: BatchNormSpec) => {
    params.push({
      name: `${b.path}.weight`,
      kind: 'bn_weight',
      shape: [b.channels],
      torchShape: [b.channels],
      fanIn: null,
    });
    params.push({
      name: `${b.path}.bias`,
      kind: 'bn_bias',
      shape: [b.channels],
      torchShape: [b.channels],
      fanIn: null,
    });
    buffers.push({ name: `${b.path}.running_mean`, shape: [b.channels], init: 'zeros' });
    buffers.push({ name: `${b.path}.running_var`, shape: [b.channels], init: 'ones' });
  };
  // Registration order is PyTorch's named_parameters() order, which the fixtures' weights.bin follows.
  const addLinear = (l: LinearSpec) => {
    params.push({
      name: `${l.path}.weight`,
      kind: 'linear_weight',
      shape: [l.inFeatures, l.outFeatures],
      torchShape: [l.outFeatures, l.inFeatures],
      fanIn: l.inFeatures,
    });
    params.push({
      name: `${l.path}.bias`,
      kind: 'linear_bias',
      shape: [l.outFeatures],
      torchShape: [l.outFeatures],
      fanIn: l.inFeatures,
    });
  };
  for (const block of blocks) {
    if (block.type === 'entry') {
      addConv(block.conv);
      addBn(block.bn);
    } else if (block.type === 'dense') {
      addConv(block.conv0);
      addBn(block.bn0);
    } else if (block.type === 'stage-end') {
      if (block.aux) addLinear(block.aux);
    } else {
      for (const step of block.steps) {
        if (step.op === 'conv') addConv(step.conv);
        else if (step.op === 'batch_norm') addBn(step.bn);
      }
    }
  }
  addLinear(head);

  return { config, numClasses, imageSize: IMAGE_SIZE, blocks, head, auxHeads, params, buffers };
}

/** The graphs a config's blocks are built from: its block type's preset, or the team's block it names. */
export function blockDocument(config: Pick<ModelConfig, 'blockType' | 'block'>): BlockDocument {
  if (config.blockType === 'custom') {
    if (typeof config.block !== 'object') {
      throw new Error('model.block must be resolved to its graph before a network is built from it');
    }
    return config.block.graph as BlockDocument;
  }
  // dense_block's own layers are not a graph; its transition is conv_block_bn's reduction block
  const preset = BLOCK_PRESETS[config.blockType === 'dense_block' ? 'conv_block_bn' : config.blockType];
  if (!preset) throw new Error(`block type ${config.blockType} has no graph`);
  return preset;
}

/** A checked graph as the steps of one block at `path`: each conv and BN named under the block's layer_dict. */
function graphBlock(graph: CheckedGraph, role: BlockGraphRole, path: string, f: number, inChannels: number): BlockSpec {
  const steps = graph.order.map((node): BlockStep => {
    const inputs = inputsOf(node);
    const layer = `${path}.layer_dict.${node.id}`;
    switch (node.op) {
      case 'conv': {
        const bias = node.bias === undefined || node.bias === 'framework' ? role === 'reduction' : node.bias;
        const channels = inputs[0] === BLOCK_INPUT ? inChannels : f;
        const conv: ConvSpec = {
          path: layer,
          inChannels: channels,
          outChannels: f,
          bias,
          kernel: node.kernel ?? 3,
          stride: node.stride ?? 1,
        };
        return { id: node.id, inputs, op: 'conv', conv };
      }
      case 'batch_norm':
        return { id: node.id, inputs, op: 'batch_norm', bn: { path: layer, channels: f } };
      case 'leaky_relu':
        return { id: node.id, inputs, op: 'leaky_relu', slope: node.slope ?? LEAKY_RELU_SLOPE };
      case 'dropout':
        return { id: node.id, inputs, op: 'dropout', p: node.p ?? DROPOUT_P };
      default:
        return { id: node.id, inputs, op: node.op };
    }
  });
  return { type: 'graph', role, path, output: graph.output, steps };
}

export function parameterCount(spec: NetworkSpec): number {
  return spec.params.reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** The tensors the framework's plot_grad_flow shows: every parameter without 'bias' in its name. */
export function weightParams(spec: NetworkSpec): ParamSpec[] {
  return spec.params.filter((p) => !p.name.includes('bias'));
}

/** `layer_dict.block_0_0.layer_dict.conv_0.weight` -> `block_0_0.conv_0`, for figures. */
export function shortParamName(name: string): string {
  return name
    .replace(/\.(weight|bias)$/, '')
    .split('.')
    .filter((part) => part !== 'layer_dict')
    .join('.');
}

/**
 * Conventional name of a configuration: VGG_08, VGG_38, ... (conv + linear layers). A team's own block is
 * named by the depth of the framework's network it stands in (1 + stages x (2 x blocks + 2) convs and the
 * linear head), so a block with a 1x1 shortcut is still compared as the VGG_38 it fixes.
 */
export function architectureName(config: ModelConfig): string {
  const layers =
    config.blockType === 'custom'
      ? { conv: 1 + config.numStages * (2 * config.numBlocksPerStage + 2), linear: 1 }
      : countLayers(describeNetwork(config));
  return `VGG_${String(layers.conv + layers.linear).padStart(2, '0')}`;
}

/**
 * Deep supervision's weight on the auxiliary losses in epoch `epoch` of `epochs`: 0.3 at the start, decaying
 * linearly to 0 at the end (Lee et al. 2015 decay the companion objectives' weight to nothing, so the last
 * epochs train the main classifier alone): loss = CE(head) + alpha_e * sum_s CE(aux_s).
 */
export function deepSupervisionWeight(epoch: number, epochs: number): number {
  return 0.3 * Math.max(0, 1 - epoch / epochs);
}

/** Conv + linear layers of the main path (auxiliary classifiers are not counted). */
export function countLayers(spec: NetworkSpec): { conv: number; linear: number; batchNorm: number } {
  const count = (kind: ParamKind) => spec.params.filter((p) => p.kind === kind).length;
  return {
    conv: count('conv_weight'),
    linear: count('linear_weight') - spec.auxHeads.length,
    batchNorm: count('bn_weight'),
  };
}
