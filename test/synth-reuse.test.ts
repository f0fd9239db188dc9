/**
 * synth --check answers "nothing to do" from a recorded repository state (src/synth/stamp.ts)
 * without loading cdk8s. That is only sound if the state covers everything synth reads, and
 * if any difference sends it back to a full synth: both are tested here.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { synthesize } from '../src/synth/index.ts';
import { SYNTH_READS } from '../src/synth/stamp.ts';
import { interceptFs } from './support/fs-intercept.ts';
import { tempRepo } from './support/repo.ts';

let repo: ReturnType<typeof tempRepo>;
beforeEach(() => {
  repo = tempRepo();
  // Records outlive a test run (node_modules/.cache): a state no earlier run can have seen.
  appendFileSync(`${repo.root}/envs/dev/env.yaml`, `# ${randomUUID()}\n`);
});
afterEach(() => repo.cleanup());

/** Every path under `root` that node:fs is asked about while `action` runs. */
async function pathsRead(root: string, action: () => Promise<unknown>): Promise<Set<string>> {
  const seen = new Set<string>();
  const names = ['readFileSync', 'readdirSync', 'existsSync', 'statSync', 'lstatSync', 'openSync', 'accessSync', 'realpathSync'];
  await interceptFs(
    names,
    (_name, args, original) => {
      const path = args[0] instanceof URL ? args[0].pathname : String(args[0]);
      if (path.startsWith(`${root}/`) || path === root) seen.add(relative(root, path));
      return original(...args);
    },
    action,
  );
  return seen;
}

const declared = (path: string): boolean => path === '' || SYNTH_READS.some((read) => path === read || path.startsWith(`${read}/`));

describe('what synth reads', () => {
  it('is covered by the recorded state: package.json, envs/, charts/ and the generated roots, nothing else', async () => {
    const writing = await pathsRead(repo.root, () => synthesize(repo.root, { check: false, reuse: false }));
    const checking = await pathsRead(repo.root, () => synthesize(repo.root, { check: true, reuse: false }));
    // The tracing sees reads at all (else this test would pass for nothing).
    expect([...writing]).toEqual(expect.arrayContaining(['package.json', 'envs/dev/env.yaml', 'envs/prod/env.yaml']));
    expect([...checking]).toEqual(
      expect.arrayContaining(['envs/staging/env.yaml', 'envs/staging/kustomization.yaml', 'base/deployment-hivebox.yaml']),
    );
    expect([...writing, ...checking].filter((path) => !declared(path))).toEqual([]);
  });
});

describe('synth reusing a recorded state', () => {
  it('answers a second --check from the record, and any changed byte sends it back to a full synth', async () => {
    const written = await synthesize(repo.root, { check: false, reuse: true });
    expect(written.reused).toBe(false);

    const again = await synthesize(repo.root, { check: true, reuse: true });
    expect(again).toMatchObject({ upToDate: true, reused: true, added: [], changed: [], removed: [] });
    expect([...again.files.keys()]).toEqual([...written.files.keys()]);
    for (const [path, content] of again.files) expect(content, path).toBe(written.files.get(path));

    // A generated file edited by hand: a full synth, which names it.
    const patch = `${repo.root}/envs/staging/patches/deployment-hivebox.yaml`;
    const original = readFileSync(patch, 'utf8');
    appendFileSync(patch, '# edited\n');
    const edited = await synthesize(repo.root, { check: true, reuse: true });
    expect(edited).toMatchObject({ upToDate: false, reused: false, changed: ['envs/staging/patches/deployment-hivebox.yaml'] });
    writeFileSync(patch, original);
    expect((await synthesize(repo.root, { check: true, reuse: true })).reused).toBe(true);

    // An input that changes the output: a full synth, which finds what is stale.
    const env = `${repo.root}/envs/staging/env.yaml`;
    const settings = readFileSync(env, 'utf8');
    writeFileSync(env, `${settings}scaling:\n  maxReplicas: 7\n`);
    const changed = await synthesize(repo.root, { check: true, reuse: true });
    expect(changed.reused).toBe(false);
    expect(changed.upToDate).toBe(false);
    expect([...changed.added, ...changed.changed]).toContain('envs/staging/patches/horizontalpodautoscaler-hivebox.yaml');

    // An input that changes nothing generated (a comment): still a full synth, then recorded.
    writeFileSync(env, `${settings}# a comment\n`);
    const commented = await synthesize(repo.root, { check: true, reuse: true });
    expect(commented).toMatchObject({ upToDate: true, reused: false });
    expect((await synthesize(repo.root, { check: true, reuse: true })).reused).toBe(true);
  });

  it('never reuses a state whose synth failed', async () => {
    await synthesize(repo.root, { check: false, reuse: true });
    writeFileSync(`${repo.root}/envs/dev/env.yaml`, 'route: [\n');
    await expect(synthesize(repo.root, { check: true, reuse: true })).rejects.toThrow(/envs\/dev\/env.yaml/);
    await expect(synthesize(repo.root, { check: true, reuse: true })).rejects.toThrow(/envs\/dev\/env.yaml/);
  });

  it('is off with HIVEBOX_SYNTH_CACHE=off (as the test suite runs it)', async () => {
    expect(process.env.HIVEBOX_SYNTH_CACHE).toBe('off');
    await synthesize(repo.root, { check: false });
    expect((await synthesize(repo.root, { check: true })).reused).toBe(false);
  });
});
