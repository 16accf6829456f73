import type { FindingCode, FindingDto } from '@gradlab/contracts';

const REFERENCES = {
  ioffe:
    'Ioffe & Szegedy 2015, Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift',
  he: 'He et al. 2016, Deep Residual Learning for Image Recognition',
  huang: 'Huang et al. 2017, Densely Connected Convolutional Networks',
  lee: 'Lee et al. 2015, Deeply-Supervised Nets',
  glorot: 'Glorot & Bengio 2010, Understanding the Difficulty of Training Deep Feedforward Neural Networks',
  pascanu: 'Pascanu et al. 2013, On the Difficulty of Training Recurrent Neural Networks',
  krogh: 'Krogh & Hertz 1992, A Simple Weight Decay Can Improve Generalization',
  kingma: 'Kingma & Ba 2015, Adam: A Method for Stochastic Optimization',
};

type Fix = FindingDto['fixes'][number];

const FAN_IN_INIT: Fix = {
  fix: 'Initialization scaled to each layer’s fan-in and fan-out',
  reference: REFERENCES.glorot,
};
const LOWER_LEARNING_RATE: Fix = { fix: 'A lower learning rate', reference: REFERENCES.kingma };
const GRADIENT_CLIPPING: Fix = { fix: 'Gradient norm clipping', reference: REFERENCES.pascanu };
const BATCH_NORM: Fix = { fix: 'Batch normalization (conv_block_bn)', reference: REFERENCES.ioffe };

/** The fixes the coursework surveys for a signal that cannot reach the early layers; gradlab's block type for each. */
const DEPTH_FIXES: Fix[] = [
  { fix: 'Batch normalization after each convolution (block type conv_block_bn)', reference: REFERENCES.ioffe },
  { fix: 'Residual connections around each block (conv_block_bn_rc)', reference: REFERENCES.he },
  { fix: 'Dense connections within a stage (dense_block)', reference: REFERENCES.huang },
  { fix: 'Deep supervision: an auxiliary classifier per stage (conv_block_ds)', reference: REFERENCES.lee },
  FAN_IN_INIT,
];

export const FIXES: Record<FindingCode, Fix[]> = {
  vanishing_gradients: DEPTH_FIXES,
  stuck_at_chance: [
    ...DEPTH_FIXES,
    {
      fix: 'Check the learning rate: too low never leaves chance, too high falls back to it',
      reference: REFERENCES.kingma,
    },
  ],
  dead_layers: DEPTH_FIXES,
  exploding_gradients: [LOWER_LEARNING_RATE, GRADIENT_CLIPPING, BATCH_NORM, FAN_IN_INIT],
  diverged: [LOWER_LEARNING_RATE, GRADIENT_CLIPPING, BATCH_NORM],
  overfitting: [
    { fix: 'Weight decay (training.weightDecay)', reference: REFERENCES.krogh },
    { fix: 'Data augmentation (data.augment), more data', reference: REFERENCES.he },
    { fix: 'Early stopping: the test metrics already use the best-validation weights', reference: REFERENCES.krogh },
  ],
  loss_spike: [LOWER_LEARNING_RATE, GRADIENT_CLIPPING],
};
