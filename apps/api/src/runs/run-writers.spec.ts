import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..');
/** Prisma's writes to the Run table, and SQL that changes it. */
const RUN_WRITE = [
  /\b(prisma|tx)\.run\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\s*\(/,
  /\b(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+"Run"/i,
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'generated' || name === 'test-support' ? [] : sources(file);
    return /\.ts$/.test(name) && !/\.(spec|int-spec|slow-spec)\.ts$/.test(name) ? [file] : [];
  });
}

describe('the Run table has its owners', () => {
  it('is written only by repositories (RunRepository, SchedulingRepository)', () => {
    const all = sources(SRC);
    expect(all.map((file) => path.relative(SRC, file))).toContain(path.join('run-events', 'run-events.service.ts'));
    const writers = all
      .filter((file) => !file.endsWith('.repository.ts'))
      .filter((file) => RUN_WRITE.some((pattern) => pattern.test(readFileSync(file, 'utf8'))))
      .map((file) => path.relative(SRC, file));
    expect(writers).toEqual([]);
  });

  it('catches a write where it would be (the check reads what it should)', () => {
    const repository = readFileSync(path.join(__dirname, 'run.repository.ts'), 'utf8');
    expect(RUN_WRITE[0].test(repository)).toBe(true);
    expect(RUN_WRITE[1].test(repository)).toBe(true);
  });
});
