import type { Command } from 'commander';
import { createProgram } from './main';

/** Runs the program on these arguments without exiting, and returns what it printed. */
async function run(...args: string[]): Promise<{ out: string; err: string; exitCode?: number }> {
  const program = createProgram();
  let out = '';
  let err = '';
  const capture = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
    command.commands.forEach(capture);
  };
  capture(program);
  try {
    await program.parseAsync(['node', 'gradlab', ...args]);
    return { out, err };
  } catch (error) {
    return { out, err, exitCode: (error as { exitCode: number }).exitCode };
  }
}

describe('gradlab CLI', () => {
  it('has one command per task, each with help of its own', async () => {
    const names = createProgram().commands.map((command) => command.name());
    expect(names).toEqual([
      'config',
      'submit',
      'group',
      'groups',
      'diagnose',
      'list',
      'watch',
      'cancel',
      'quota',
      'download',
      'report-pack',
      'import',
      'blocks',
    ]);
    for (const name of names) {
      const { out, exitCode } = await run(name, '--help');
      expect(exitCode).toBe(0);
      expect(out).toContain(`Usage: gradlab ${name}`);
    }
  });

  it('has a subcommand per thing done with blocks, each with help of its own', async () => {
    const blocks = createProgram().commands.find((command) => command.name() === 'blocks');
    expect(blocks?.commands.map((command) => command.name())).toEqual(['add', 'list', 'export']);
    const { out, exitCode } = await run('blocks', 'add', '--help');
    expect(exitCode).toBe(0);
    expect(out).toMatch(/^Usage: gradlab blocks add \[options\] <FILE>/);
  });

  it('takes --help as help, never as a run id (no api is asked)', async () => {
    const { out } = await run('watch', '--help');
    expect(out).toMatch(/^Usage: gradlab watch \[options\] <RUN_ID>/);
  });

  it('names a missing argument or an unknown option', async () => {
    expect(await run('watch')).toMatchObject({
      exitCode: 1,
      err: expect.stringContaining("missing required argument 'RUN_ID'"),
    });
    expect(await run('submit', '--bogus')).toMatchObject({
      exitCode: 1,
      err: expect.stringContaining("unknown option '--bogus'"),
    });
  });
});
