import { ExperimentConfigSchema } from '@gradlab/contracts';
import { parseFrameworkCommand } from './framework-args';

const COURSE_LINE = `python pytorch_mlp_framework/train_evaluate_image_classification_system.py --batch_size 100 --seed 0 --num_filters 32 --num_stages 3 --num_blocks_per_stage 5 --experiment_name VGG_38_experiment --use_gpu True --num_classes 100 --block_type 'conv_block' --continue_from_epoch -1`;

describe("the course framework's command line", () => {
  it('maps run_vgg_38_default.sh onto a VGG_38 config and says which flags it ignores', () => {
    const parsed = parseFrameworkCommand(COURSE_LINE.split(' '));
    expect(parsed.name).toBe('VGG_38_experiment');
    const config = ExperimentConfigSchema.parse(parsed.config);
    expect(config.model).toEqual({ numFilters: 32, numStages: 3, numBlocksPerStage: 5, blockType: 'conv_block' });
    expect(config.training).toMatchObject({ batchSize: 100, seed: 0, epochs: 100 });
    expect(parsed.ignored.map((i) => i.flag)).toEqual(['use_gpu', 'continue_from_epoch']);
  });

  it('refuses an unknown flag, a missing value and another number of classes', () => {
    expect(() => parseFrameworkCommand(['--bogus', '1'])).toThrow('--bogus is not a flag of the course framework');
    expect(() => parseFrameworkCommand(['--seed'])).toThrow('--seed needs a value');
    expect(() => parseFrameworkCommand(['--num_classes', '10'])).toThrow('must be 100');
    expect(() => parseFrameworkCommand(['--batch_size', 'x'])).toThrow('--batch_size: "x" is not an integer');
  });
});
