import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** The documentation a reader follows: the README, docs/, each app's and library's README, bench/. */
function markdownFiles(): string[] {
  const readmes = ['apps', 'libs'].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .map((name) => path.join(dir, name, 'README.md'))
      .filter((file) => existsSync(path.join(ROOT, file))),
  );
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join('docs', name));
  return ['README.md', 'bench/README.md', ...docs, ...readmes];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1])));
}

/** Relative links and image sources of a markdown file, outside code blocks. */
function relativeTargets(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g), ...text.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map(
    (match) => match[1],
  );
  return targets.filter((target) => !/^[a-z]+:/i.test(target));
}

describe('the documentation', () => {
  const files = markdownFiles();

  it('has a README for every app and library', () => {
    for (const dir of ['apps', 'libs'])
      for (const name of readdirSync(path.join(ROOT, dir)).filter((n) =>
        statSync(path.join(ROOT, dir, n)).isDirectory(),
      ))
        expect([dir, name, existsSync(path.join(ROOT, dir, name, 'README.md'))]).toEqual([dir, name, true]);
  });

  it('resolves every relative link and image, and every #anchor to a heading', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const target of relativeTargets(file)) {
        const [pathPart, anchor] = target.split('#');
        const resolved = pathPart
          ? path.resolve(ROOT, path.dirname(file), decodeURIComponent(pathPart))
          : path.join(ROOT, file);
        if (!existsSync(resolved)) broken.push(`${file}: ${target} (no such file)`);
        else if (anchor && resolved.endsWith('.md') && !anchorsIn(resolved).has(anchor))
          broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('keeps the README short enough to read in five minutes', () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8').length).toBeLessThan(8000);
  });
});
