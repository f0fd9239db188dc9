/**
 * Plain kustomizations are rendered several to a kustomize process and split back by resource
 * identity (src/toolchain/batch.ts). Each folder's output must be byte for byte what kustomize
 * prints for that folder alone, whatever lands in the same batch, and a folder that fails must
 * fail as it does alone.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kustomizeBuildAll, plainIdentities } from '../src/toolchain/batch.ts';
import { kubectlPath, kustomizeBuild, kustomizeConcurrency } from '../src/toolchain/kubectl.ts';
import { REPO_ROOT } from './support/repo.ts';

const alone = (dir: string): Promise<string> => kustomizeBuild(dir);
const settle = (promises: Promise<string>[]) => Promise.allSettled(promises);

function kustomizationDirs(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name === 'kustomization.yaml') found.push(dir);
    }
  };
  walk(root);
  return found.sort();
}

const tmp = mkdtempSync(join(tmpdir(), 'hivebox-batch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The pinned kubectl behind a script that counts its runs. */
function countingKubectl(name: string): { env: NodeJS.ProcessEnv; runs: () => number } {
  const log = join(tmp, `${name}.log`);
  const script = join(tmp, `${name}.sh`);
  writeFileSync(log, '');
  writeFileSync(script, `#!/bin/sh\necho run >> "${log}"\nexec "${kubectlPath()}" "$@"\n`);
  chmodSync(script, 0o755);
  return { env: { ...process.env, HIVEBOX_KUBECTL: script }, runs: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(tmp, path)), { recursive: true });
    writeFileSync(join(tmp, path), content);
  }
}

const resource = (apiVersion: string, kind: string, name: string, namespace?: string, extra = ''): string =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}${extra}`;

describe('rendering kustomizations together', () => {
  it("gives every folder of this repository's argocd/ exactly its own render, in far fewer processes", async () => {
    const dirs = kustomizationDirs(join(REPO_ROOT, 'argocd'));
    expect(dirs.length).toBeGreaterThan(4);
    expect(dirs.every((dir) => plainIdentities(dir) !== undefined)).toBe(true);
    const kubectl = countingKubectl('repository');
    const together = await Promise.all(kustomizeBuildAll(dirs, kubectl.env));
    const apart = await Promise.all(dirs.map(alone));
    dirs.forEach((dir, i) => expect(together[i], dir).toBe(apart[i]));
    expect(kubectl.runs()).toBeLessThan(dirs.length / 2);
  });

  it('keeps kustomize order across kinds, namespaces and names, and splits folders whose identities collide', async () => {
    write({
      'a/kustomization.yaml': 'resources:\n  - one.yaml\n  - sub\n',
      'a/one.yaml': [
        '# a comment',
        resource('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'hook'),
        resource('argoproj.io/v1alpha1', 'Application', 'zeta', 'argocd', 'spec:\n  b: 2\n  a: 1\n'),
        resource('v1', 'ConfigMap', 'cm', 'x', 'data:\n  k: "on"\n  n: 0755\n'),
        resource('v1', 'Namespace', 'x'),
        '',
      ].join('---\n'),
      'a/sub/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - two.yaml\n',
      'a/sub/two.yaml': [
        resource('v1', 'ServiceAccount', 'sa', 'x'),
        resource('argoproj.io/v1alpha1', 'Application', 'alpha'),
        resource('argoproj.io/v1alpha1', 'AppProject', 'p', 'argocd'),
      ].join('---\n'),
      // Same identities as a/: must not share its render.
      'b/kustomization.yaml': 'resources:\n  - one.yaml\n',
      'b/one.yaml': resource('v1', 'ConfigMap', 'cm', 'x', 'data:\n  other: "1"\n'),
      'c/kustomization.yaml': 'resources:\n  - c.yaml\n',
      'c/c.yaml': [
        resource('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
        resource('example.com/v1', 'Widget', 'w', 'default'),
      ].join('---\n'),
    });
    const dirs = ['a', 'b', 'c'].map((d) => join(tmp, d));
    const kubectl = countingKubectl('collide');
    const together = await Promise.all(kustomizeBuildAll(dirs, kubectl.env));
    expect(kubectl.runs()).toBe(2); // a with c, b alone
    const apart = await Promise.all(dirs.map(alone));
    dirs.forEach((dir, i) => expect(together[i], dir).toBe(apart[i]));
    expect(apart[0]!.indexOf('kind: Namespace')).toBeLessThan(apart[0]!.indexOf('kind: ValidatingWebhookConfiguration'));
  });

  it('renders anything but a plain list of local files on its own, as before', async () => {
    write({
      'transforms/kustomization.yaml': 'namespace: other\nresources:\n  - r.yaml\n',
      'transforms/r.yaml': resource('v1', 'ConfigMap', 'transformed'),
      'parent/kustomization.yaml': 'resources:\n  - ../transforms\n',
      'list/kustomization.yaml': 'resources:\n  - l.yaml\n',
      'list/l.yaml': 'apiVersion: v1\nkind: List\nmetadata:\n  name: l\nitems: []\n',
      'plain/kustomization.yaml': 'resources:\n  - p.yaml\n',
      'plain/p.yaml': resource('v1', 'ConfigMap', 'plain', 'default'),
    });
    for (const dir of ['transforms', 'parent', 'list']) expect(plainIdentities(join(tmp, dir)), dir).toBeUndefined();
    expect(plainIdentities(join(tmp, 'plain'))).toEqual([JSON.stringify(['v1', 'ConfigMap', 'default', 'plain'])]);
    const dirs = ['transforms', 'parent', 'list', 'plain'].map((d) => join(tmp, d));
    const together = await settle(kustomizeBuildAll(dirs));
    const apart = await settle(dirs.map(alone));
    expect(together).toEqual(apart);
  });

  it('fails a folder that does not build exactly as it fails alone, and still renders the others', async () => {
    write({
      'broken/kustomization.yaml': 'resources:\n  - missing.yaml\n',
      'duplicate/kustomization.yaml': 'resources:\n  - d.yaml\n  - e.yaml\n',
      'duplicate/d.yaml': resource('v1', 'ConfigMap', 'same', 'x'),
      'duplicate/e.yaml': resource('v1', 'ConfigMap', 'same', 'x'),
      'bad-yaml/kustomization.yaml': 'resources:\n  - y.yaml\n',
      'bad-yaml/y.yaml': `${resource('v1', 'ConfigMap', 'fine', 'x')}data: [\n`,
      'good/kustomization.yaml': 'resources:\n  - g.yaml\n',
      'good/g.yaml': resource('v1', 'ConfigMap', 'good', 'x'),
      'good2/kustomization.yaml': 'resources:\n  - g.yaml\n',
      'good2/g.yaml': resource('v1', 'Secret', 'good', 'x'),
    });
    const dirs = ['broken', 'duplicate', 'bad-yaml', 'good', 'good2'].map((d) => join(tmp, d));
    const together = await settle(kustomizeBuildAll(dirs));
    const apart = await settle(dirs.map(alone));
    expect(together).toEqual(apart);
    expect(together.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
  });
});

describe('kustomize processes', () => {
  it('never run more at once than there are cores, however many renders are asked for', async () => {
    // A stand-in kubectl that notes how many of it run when it starts.
    const state = join(tmp, 'running');
    mkdirSync(state);
    const fake = join(tmp, 'kubectl');
    writeFileSync(
      fake,
      `#!/bin/sh\nmkdir "${state}/$$"\nls "${state}" | wc -l >> "${tmp}/counts"\nsleep 0.1\nrmdir "${state}/$$"\nexec "${kubectlPath()}" "$@"\n`,
    );
    chmodSync(fake, 0o755);
    const env = { ...process.env, HIVEBOX_KUBECTL: fake };
    const dirs = Array.from({ length: 3 * kustomizeConcurrency() + 2 }, () => join(REPO_ROOT, 'argocd', 'prod', 'bootstrap'));
    await Promise.all(dirs.map((dir) => kustomizeBuild(dir, env)));
    const counts = readFileSync(join(tmp, 'counts'), 'utf8').trim().split('\n').map(Number);
    expect(counts).toHaveLength(dirs.length);
    expect(Math.max(...counts)).toBeLessThanOrEqual(kustomizeConcurrency());
    expect(execFileSync('ls', [state], { encoding: 'utf8' })).toBe('');
  });
});
