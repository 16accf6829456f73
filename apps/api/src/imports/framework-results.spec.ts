import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ImportFileError, networkFromFolderName, readFrameworkResults } from './framework-results';

const REFERENCE = path.resolve(__dirname, '../../../../../shared/reference/course-runs');
const read = (run: string, file: string) => readFileSync(path.join(REFERENCE, run, 'result_outputs', file), 'utf8');
const problems = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ImportFileError) return error.errors;
    throw error;
  }
  throw new Error('no error');
};

describe("the course framework's result files", () => {
  it('reads the reference runs: every epoch in order, and the test metrics', () => {
    const vgg08 = readFrameworkResults(read('VGG_08', 'summary.csv'), read('VGG_08', 'test_summary.csv'));
    expect(vgg08.epochs).toHaveLength(101); // resumed at epoch 75: the file has a row more
    expect(vgg08.epochs[0]).toEqual({
      trainAccuracy: 0.010694736842105264,
      trainLoss: 4.827323,
      valAccuracy: 0.024800000000000003,
      valLoss: 4.5659676,
    });
    expect(vgg08.test).toEqual({ accuracy: 0.49950000000000006, loss: 1.9105633 });
    const vgg38 = readFrameworkResults(read('VGG_38', 'summary.csv'), read('VGG_38', 'test_summary.csv'));
    expect(vgg38.epochs).toHaveLength(100);
    expect(vgg38.test?.accuracy).toBeCloseTo(0.01, 2);
  });

  it('names the file, line and column of what is wrong', () => {
    expect(problems(() => readFrameworkResults('train_acc,train_loss,val_acc\n0.1,4,0.1\n', null))).toEqual([
      { field: 'summary.csv:1', message: expect.stringContaining('lacks val_loss') },
    ]);
    expect(
      problems(() => readFrameworkResults('train_acc,train_loss,val_acc,val_loss\n0.1,4,0.1,4\n0.2,abc,0.1,4\n', null)),
    ).toEqual([{ field: 'summary.csv:3:train_loss', message: '"abc" is not a number' }]);
    expect(problems(() => readFrameworkResults('train_acc,train_loss,val_acc,val_loss\n0.1,4,0.1\n', null))).toEqual([
      { field: 'summary.csv:2', message: 'has 3 fields, the header 4' },
    ]);
    expect(
      problems(() =>
        readFrameworkResults('train_acc,train_loss,val_acc,val_loss\n0.1,4,0.1,4\n', 'test_acc,test_loss\n0.5,x\n'),
      ),
    ).toEqual([{ field: 'test_summary.csv:2:test_loss', message: '"x" is not a number' }]);
    expect(problems(() => readFrameworkResults('train_acc,train_loss,val_acc,val_loss\n', null))).toEqual([
      { field: 'summary.csv', message: 'has no epochs' },
    ]);
  });

  it('finds the network in the folder name where it can', () => {
    expect(networkFromFolderName('VGG_38_experiment')).toEqual({ architecture: 'VGG_38', numBlocksPerStage: 5 });
    expect(networkFromFolderName('VGG_08')).toEqual({ architecture: 'VGG_08', numBlocksPerStage: 0 });
    expect(networkFromFolderName('my_experiment')).toBeNull();
    expect(networkFromFolderName('VGG_10')).toBeNull(); // no depth of the course's family
  });
});
