/**
 * Each command loads only what it uses: the PR check on an up-to-date repository never loads
 * cdk8s (nothing to synthesize), the Kubernetes client (only status talks to a cluster), ajv's
 * compiler (its validators are cached), adm-zip (kubectl is unpacked), the diff library (no
 * change), or, when nothing changed since the run before, a YAML parser or zod (what they read
 * is kept by content). Observed on the compiled CLI as CI runs it, with a module hook that notes every module.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheDir } from '../src/toolchain/cache.ts';
import { copyTree, REPO_ROOT, tempRepo } from './support/repo.ts';

const exec = promisify(execFile);
const repo = tempRepo({ withGenerated: true });
// Inside node_modules, so that cached validators find ajv's runtime.
const cache = mkdtempSync(join(REPO_ROOT, 'node_modules', '.cache', 'hivebox-lazy-test-'));
// What the rest of the suite already keeps and this test is not about: the unpacked kubectl (linked)
// and the compiled validators (copied), when present. Compiling every validator again took most of
// this file's 16 s; what it records per run (synth's state, kept values) starts empty.
const shared = cacheDir('', { HIVEBOX_CACHE_DIR: process.env.HIVEBOX_CACHE_DIR });
for (const entry of existsSync(shared) ? readdirSync(shared) : []) {
  if (entry.startsWith('kubectl-layer-')) symlinkSync(join(shared, entry), join(cache, entry), 'dir');
  if (entry === 'validators') copyTree(join(shared, entry), join(cache, entry));
}
const hooks = join(cache, 'hooks.mjs');
const log = join(cache, 'modules.log');
// Every module resolved through the ESM loader, and at exit every CommonJS module in require's cache.
writeFileSync(
  join(cache, 'resolve.mjs'),
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}
`,
);
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register(new URL('./resolve.mjs', import.meta.url));
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(createRequire(import.meta.url).cache).join('\\n') + '\\n'));
`,
);
afterAll(() => {
  repo.cleanup();
  rmSync(cache, { recursive: true, force: true });
});

const env = { ...process.env, HIVEBOX_CACHE_DIR: cache, HIVEBOX_SYNTH_CACHE: '' };
async function modulesOf(...args: string[]): Promise<string[]> {
  writeFileSync(log, '');
  await exec(process.execPath, ['--import', hooks, join(REPO_ROOT, 'bin', 'hivebox-gitops.js'), ...args], { cwd: repo.root, env }).catch(
    (error: { code?: number }) => {
      if (error.code !== 1) throw error;
    },
  );
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}
/** The packages among the modules; ajv's runtime (what cached validators need) and its package.json apart from ajv itself. */
const packages = (modules: readonly string[]): string[] =>
  [
    ...new Set(
      modules
        .map((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(m))
        .filter((m) => m !== null && m[1] !== '.cache')
        .map((m) =>
          m![1] === 'ajv' && (m![2]!.startsWith('dist/runtime/') || m![2] === 'package.json')
            ? `ajv/${m![2]!.startsWith('dist/runtime/') ? 'dist/runtime' : 'package.json'}`
            : m![1]!,
        ),
    ),
  ].sort();

describe('what a command loads', () => {
  it('check on an up-to-date repository: no cdk8s, Kubernetes client, ajv compiler, adm-zip or diff library; run again, no YAML parser or zod', async () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], {
        cwd: repo.root,
      });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'synthesized');
    // The first runs record synth's state and what check reads: they load what they need.
    const first = packages(await modulesOf('synth'));
    expect(first).toContain('cdk8s');
    const cold = packages(await modulesOf('check', '--base', 'HEAD'));
    expect(cold).toContain('yaml');

    const loaded = packages(await modulesOf('check', '--base', 'HEAD'));
    // Nothing changed since the run before: env.yaml, kustomize's output, the chart values and the
    // kustomization files are read back as kept (toolchain/value-cache.ts), and no YAML parser or zod loads.
    for (const unneeded of [
      'cdk8s',
      'cdk8s-plus-28',
      'constructs',
      '@kubernetes/client-node',
      'ajv',
      'adm-zip',
      'diff',
      'yaml',
      'js-yaml',
      'zod',
    ])
      expect(loaded, unneeded).not.toContain(unneeded);
  }, 180_000); // four CLI runs, one of them compiling every validator: on a busy machine, more than a minute

  it("--help loads no dependency at all, and neither it nor a command's --help loads a command module", async () => {
    const commandModules = (modules: readonly string[]) =>
      modules.filter((m) => /\/commands\/(synth|validate|diff|check|promote|status|metrics)\.[jt]s$/.test(m));
    const top = await modulesOf('--help');
    expect(packages(top)).toEqual([]);
    expect(commandModules(top)).toEqual([]);
    expect(top.some((m) => /\/commands\/usage\/check\.[jt]s$/.test(m))).toBe(true); // what --help is made of: the descriptions
    const check = await modulesOf('check', '--help');
    expect(packages(check)).toEqual([]);
    expect(commandModules(check)).toEqual([]);
  });
});
