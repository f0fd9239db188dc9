/**
 * No churn in review: a change to one environment shows up where it acts, not in the header of every
 * file that reads the environments, and the README's "Change an environment" and "Add an environment"
 * examples are what synth does on a clean checkout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGeneratedFile } from '../src/kube/header.ts';
import { planOutputs } from '../src/synth/plan.ts';
import { GENERATED_ROOTS } from '../src/synth/roots.ts';
import { REPO_ROOT, tempRepo } from './support/repo.ts';

const repo = tempRepo();
afterAll(() => repo.cleanup());
const before = planOutputs(repo.root);

/** Files whose content differs between two plans (added and removed ones included). */
function changedPaths(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((path) => a.get(path) !== b.get(path)).sort();
}

describe('adding an environment', async () => {
  // The README's example, verbatim: only a cluster and a host.
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const example = /### Add an environment[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!.replace(/^ {3}/gm, '');
  mkdirSync(join(repo.root, 'envs', 'qa'));
  writeFileSync(join(repo.root, 'envs', 'qa', 'env.yaml'), example);
  const after = await planOutputs(repo.root);
  const old = await before;

  it('changes no generated file in its header alone: headers do not list the environments', () => {
    const reheadered = [...old.keys()].filter(
      (path) => after.has(path) && old.get(path)!.split('\n')[0] !== after.get(path)!.split('\n')[0],
    );
    expect(reheadered).toEqual([]);
  });

  it('writes the overlay and the Application, and touches argocd/ only where the environment acts', () => {
    const changed = changedPaths(old, after);
    expect(changed).toContain('envs/qa/kustomization.yaml');
    expect(changed).toContain('argocd/nonprod/apps/hivebox-qa.yaml');
    // Nothing on the other cluster, and in the cluster's own tree no more than the files that list its namespaces.
    expect(changed.filter((path) => path.startsWith('argocd/prod/'))).toEqual([]);
    expect(changed.filter((path) => path.startsWith('envs/') && !path.startsWith('envs/qa/'))).toEqual([]);
    expect(changed.filter((path) => path.startsWith('argocd/nonprod/'))).toEqual([
      'argocd/nonprod/apps/hivebox-qa.yaml',
      'argocd/nonprod/kustomization.yaml',
      // the cluster's Gateway: the environment's HTTPS listener
      'argocd/nonprod/platform/envoy-gateway/manifests.yaml',
      // the environment's namespace: its secret store, the policies that match it, its cost dashboard
      'argocd/nonprod/platform/external-secrets/manifests.yaml',
      'argocd/nonprod/platform/kyverno/manifests.yaml',
      'argocd/nonprod/platform/opencost/manifests.yaml',
      // the namespaces the cluster's projects may deploy to
      'argocd/nonprod/projects/hivebox.yaml',
      'argocd/nonprod/projects/platform.yaml',
    ]);
  });
});

describe('changing an environment (README: "only envs/staging/ changes")', () => {
  it('scaling.maxReplicas: 6 in staging adds one patch with one operation, and its entry in the kustomization', async () => {
    const copy = tempRepo();
    try {
      const file = join(copy.root, 'envs', 'staging', 'env.yaml');
      const text = readFileSync(file, 'utf8');
      expect(text).not.toMatch(/^scaling:/m);
      writeFileSync(file, `${text}scaling:\n  maxReplicas: 6\n`);
      const old = await before;
      const after = await planOutputs(copy.root);
      const changed = changedPaths(old, after);
      expect(changed).toEqual(['envs/staging/kustomization.yaml', 'envs/staging/patches/horizontalpodautoscaler-hivebox.yaml']);
      // The new patch holds the one operation, and the kustomization gains only its entry.
      expect(after.get(changed[1]!)!.split('\n').slice(1).join('\n')).toBe('- op: replace\n  path: /spec/maxReplicas\n  value: 6\n');
      const added = after.get(changed[0]!)!.split('\n');
      expect(added.filter((line) => !old.get(changed[0]!)!.split('\n').includes(line))).toEqual([
        '  - path: patches/horizontalpodautoscaler-hivebox.yaml',
        '      group: autoscaling',
        '      kind: HorizontalPodAutoscaler',
        '      version: v2',
      ]);
      expect(added.length - old.get(changed[0]!)!.split('\n').length).toBe(6);
    } finally {
      copy.cleanup();
    }
  });
});

describe('.gitattributes', () => {
  it('marks exactly the generated files linguist-generated, so GitHub collapses them in pull requests', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((path) => path !== '' && existsSync(join(REPO_ROOT, path)) && statSync(join(REPO_ROOT, path)).isFile());
    const attributes = execFileSync('git', ['check-attr', '--stdin', 'linguist-generated'], {
      cwd: REPO_ROOT,
      input: files.join('\n'),
      encoding: 'utf8',
    });
    const marked = new Set(
      attributes
        .split('\n')
        .filter((line) => line.endsWith(': set'))
        .map((line) => line.slice(0, line.indexOf(': linguist-generated'))),
    );
    // Synth's files: those under the folders it owns that carry its header.
    const generated = files.filter(
      (path) => GENERATED_ROOTS.some((dir) => path.startsWith(`${dir}/`)) && isGeneratedFile(readFileSync(join(REPO_ROOT, path), 'utf8')),
    );
    expect(generated.length).toBeGreaterThan(30);
    expect([...marked].sort()).toEqual(generated.sort());
  });
});
