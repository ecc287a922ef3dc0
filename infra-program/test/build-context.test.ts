/**
 * The service image's build context: the repository root filtered by service/Dockerfile.dockerignore, as
 * Docker and Pulumi's docker.Image read it (the Dockerfile-specific ignore file wins over a root one; a
 * pattern matches a path or any of its parent folders; the last matching pattern decides; `!` re-includes).
 * The context must hold what the Dockerfile copies and nothing else, so unrelated edits neither change
 * docker.Image's context hash nor rebuild the image.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runProgram } from './harness';
import { unwrap } from './graph';

const root = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(root, 'service', 'Dockerfile'), 'utf8');

interface Pattern {
  readonly exclude: boolean;
  readonly regex: RegExp;
}

/** Docker's .dockerignore syntax (moby/patternmatcher): `*` and `?` within a segment, `**` across them. */
function parseIgnoreFile(text: string): Pattern[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!');
      const glob = (exclude ? line : line.slice(1)).replace(/^\/+|\/+$/g, '');
      let source = '';
      for (let i = 0; i < glob.length; i++) {
        const char = glob[i]!;
        if (char === '*' && glob[i + 1] === '*') {
          source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
          i += glob[i + 2] === '/' ? 2 : 1;
        } else if (char === '*') source += '[^/]*';
        else if (char === '?') source += '[^/]';
        else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { exclude, regex: new RegExp(`^${source}$`) };
    });
}

function inContext(path: string, patterns: readonly Pattern[]): boolean {
  const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let included = true;
  for (const pattern of patterns) {
    if (prefixes.some((prefix) => pattern.regex.test(prefix))) included = !pattern.exclude;
  }
  return included;
}

/** Sources of the Dockerfile's COPY lines that read the build context (not another stage). */
function copySources(): string[] {
  return dockerfile
    .split('\n')
    .filter((line) => /^COPY\s/.test(line) && !/--from=/.test(line))
    .flatMap((line) => line.replace(/^COPY\s+/, '').split(/\s+/).filter((word) => !word.startsWith('--')).slice(0, -1))
    .map((source) => source.replace(/\/+$/, ''));
}

const patterns = parseIgnoreFile(readFileSync(join(root, 'service', 'Dockerfile.dockerignore'), 'utf8'));
// Every file a clone has, plus what is not ignored by git yet.
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file !== '');
const covered = (file: string) => copySources().some((source) => file === source || file.startsWith(`${source}/`));

test('the context holds every file the Dockerfile copies', () => {
  const sources = copySources();
  assert.ok(sources.includes('service/src') && sources.includes('package-lock.json'));
  for (const source of sources) {
    const present = files.filter((file) => file === source || file.startsWith(`${source}/`));
    for (const file of present) assert.ok(inContext(file, patterns), `${file} (COPY ${source}) is in the context`);
  }
});

test('and nothing else: docs, stack config and the other workspaces stay out of the context hash', () => {
  const extra = files.filter((file) => inContext(file, patterns) && !covered(file));
  assert.deepEqual(extra, []);
  for (const file of ['README.md', 'Pulumi.yaml', 'Pulumi.dev.yaml', 'infra-program/src/platform.ts', 'load/k6/scenarios/smoke.ts', 'service/test/api.test.ts']) {
    assert.equal(inContext(file, patterns), false, `${file} is not sent`);
  }
  for (const file of ['service/node_modules/x/index.js', 'service/dist/main.js', 'service/tsconfig.tsbuildinfo']) {
    assert.equal(inContext(file, patterns), false, `${file} (a build output) is not sent`);
  }
});

test('the program builds with the repository root as context and the Dockerfile whose ignore file this is', async () => {
  const run = await runProgram({ stack: 'ctx' });
  const build = unwrap(run.resources.find((r) => r.type === 'docker:index/image:Image')!.inputs).build;
  assert.equal(build.context, root);
  // docker.Image reads `<dockerfile>.dockerignore` first (pulumi-docker getIgnorePatterns).
  assert.equal(build.dockerfile, join(root, 'service', 'Dockerfile'));
});
