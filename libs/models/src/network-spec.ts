import type { ModelConfig } from '@gradlab/contracts';

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
}

export interface BatchNormSpec {
  path: string;
  channels: number;
}

export type BlockSpec =
  | { type: 'entry'; path: string; conv: ConvSpec; bn: BatchNormSpec }
  | {
      type: 'processing';
      path: string;
      conv0: ConvSpec;
      conv1: ConvSpec;
      bn0: BatchNormSpec | null;
      bn1: BatchNormSpec | null;
      residual: boolean;
    }
  | {
      type: 'reduction';
      path: string;
      conv0: ConvSpec;
      conv1: ConvSpec;
      bn0: BatchNormSpec | null;
      bn1: BatchNormSpec | null;
    }
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
export const BATCH_NORM_EPSILON = 1e-5;
/** PyTorch's sense: running = (1 - momentum) * running + momentum * batch. */
export const BATCH_NORM_MOMENTUM = 0.1;

/**
 * The coursework's ConvolutionalNetwork (pytorch_mlp_framework/model_architectures.py), described without
 * creating any tensor: entry conv + BN + leaky_relu; per stage `numBlocksPerStage` processing blocks and one
 * reduction block; global average pool; linear. `empty_block` replaces processing and reduction blocks by
 * the identity, as the framework's EmptyBlock does.
 */
export function describeNetwork(config: ModelConfig, numClasses = NUM_CLASSES): NetworkSpec {
  const f = config.numFilters;
  const withBn = ['conv_block_bn', 'conv_block_bn_rc', 'dense_block'].includes(config.blockType);
  const residual = config.blockType === 'conv_block_bn_rc';
  const dense = config.blockType === 'dense_block';
  const deepSupervision = config.blockType === 'conv_block_ds';
  const conv = (path: string, inChannels: number, bias: boolean): ConvSpec => ({
    path,
    inChannels,
    outChannels: f,
    bias,
  });
  const auxHeads: LinearSpec[] = [];
  const bn = (path: string): BatchNormSpec => ({ path, channels: f });

  const blocks: BlockSpec[] = [];
  const entry = 'layer_dict.input_conv';
  blocks.push({
    type: 'entry',
    path: entry,
    conv: conv(`${entry}.layer_dict.conv_0`, IMAGE_CHANNELS, false),
    bn: bn(`${entry}.layer_dict.bn_0`),
  });

  if (config.blockType !== 'empty_block') {
    for (let stage = 0; stage < config.numStages; stage++) {
      for (let block = 0; block < config.numBlocksPerStage; block++) {
        const path = `layer_dict.block_${stage}_${block}`;
        if (dense) {
          // growth rate = numFilters: layer `block` sees the stage input and the block earlier layers' outputs
          blocks.push({
            type: 'dense',
            path,
            conv0: conv(`${path}.layer_dict.conv_0`, f * (block + 1), false),
            bn0: bn(`${path}.layer_dict.bn_0`),
          });
          continue;
        }
        blocks.push({
          type: 'processing',
          path,
          conv0: conv(`${path}.layer_dict.conv_0`, f, false),
          conv1: conv(`${path}.layer_dict.conv_1`, f, false),
          bn0: withBn ? bn(`${path}.layer_dict.bn_0`) : null,
          bn1: withBn ? bn(`${path}.layer_dict.bn_1`) : null,
          residual,
        });
      }
      const path = `layer_dict.reduction_block_${stage}`;
      blocks.push({
        type: 'reduction',
        path,
        // in a dense stage this is the transition: it reads the concatenation of the whole stage
        conv0: conv(`${path}.layer_dict.conv_0`, dense ? f * (config.numBlocksPerStage + 1) : f, true),
        conv1: conv(`${path}.layer_dict.conv_1`, f, true),
        bn0: withBn ? bn(`${path}.layer_dict.bn_0`) : null,
        bn1: withBn ? bn(`${path}.layer_dict.bn_1`) : null,
      });
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
    const fanIn = c.inChannels * 9;
    params.push({
      name: `${c.path}.weight`,
      kind: 'conv_weight',
      shape: [3, 3, c.inChannels, c.outChannels],
      torchShape: [c.outChannels, c.inChannels, 3, 3],
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
  const addBn = (b: BatchNormSpec | null) => {
    if (!b) return;
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
      addConv(block.conv0);
      addBn(block.bn0);
      addConv(block.conv1);
      addBn(block.bn1);
    }
  }
  addLinear(head);

  return { config, numClasses, imageSize: IMAGE_SIZE, blocks, head, auxHeads, params, buffers };
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

/** Conventional name of a configuration: VGG_08, VGG_38, ... (conv + linear layers). */
export function architectureName(config: ModelConfig): string {
  const layers = countLayers(describeNetwork(config));
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
