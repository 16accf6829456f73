import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { readBlockFile, type BlockDto } from '@gradlab/contracts';
import type { CliContext } from '../cli-context';

const line = (b: BlockDto) =>
  `${b.id}  ${b.name.padEnd(24)} ${String(b.parameterCounts.VGG_38).padStart(9)} params at VGG_38  ${b.runCount} run(s)`;

/** `gradlab blocks add|list|export`: the team's own blocks (gradlab.block/1). */
export function blocksCommand(context: CliContext): Command {
  const blocks = new Command('blocks').description(
    "your team's own blocks (gradlab.block/1): add one from a file, list them, export one to the course framework",
  );
  blocks
    .command('add')
    .description(
      'add a block: a JSON file { "name": ..., "block": { "format": "gradlab.block/1", ... } }, or the block alone',
    )
    .argument('<FILE>', 'the block file (examples/blocks has some)')
    .option('--name <NAME>', "the block's name (default: the file's, or its name field)")
    .action(async (file: string, options: { name?: string }) => {
      const read = readBlockFile(readFileSync(file, 'utf8'), file, path.basename(file, '.json'));
      const block = await context.api().addBlock({ name: options.name ?? read.name, block: read.block });
      console.log(`added block ${block.id}: ${block.name}`);
      console.log(`  parameters: ${block.parameterCounts.VGG_08} at VGG_08, ${block.parameterCounts.VGG_38} at VGG_38`);
      console.log(`  train it: gradlab submit --block ${block.id}`);
    });
  blocks
    .command('list')
    .description("your team's blocks, newest first")
    .option('--json', 'print the answer as JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await context.api().blocks();
      if (options.json) console.log(JSON.stringify(list, null, 2));
      else if (list.length === 0) console.log('no blocks yet: gradlab blocks add FILE');
      else for (const block of list) console.log(line(block));
    });
  blocks
    .command('export')
    .description("a block as Python for the course framework's model_architectures.py and train_evaluate.py")
    .argument('<ID>', "the block's id (gradlab blocks list)")
    .option('--out <FILE>', 'write the module to FILE instead of printing it')
    .action(async (id: string, options: { out?: string }) => {
      const code = await context.api().blockPytorch(id);
      if (!options.out) return void process.stdout.write(code);
      writeFileSync(options.out, code);
      console.log(`wrote ${options.out}: run it with python3 to test that the blocks fprop`);
    });
  return blocks;
}
