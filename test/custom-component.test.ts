/**
 * The escape hatch: envs/<env>/custom/ holds a hand-written Kustomize Component. Synth lists it
 * under the overlay's components: and never writes, removes or reformats anything in it; the
 * real kustomize renders it into the environment, so validate, check and diff see it; and the
 * policy rules still apply to what it produces (it cannot turn Pod Security off).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kustomizeBuild } from '../src/toolchain/kubectl.ts';
import { REPO_ROOT, runCli, snapshot, tempRepo } from './support/repo.ts';

const repo = tempRepo();
afterAll(() => repo.cleanup());
const custom = join(repo.root, 'envs', 'dev', 'custom');

// Written the way a person writes YAML (comments, four-space indentation, flow style), which synth
// must leave byte for byte; a copy of a generated file (header and all) must survive too.
const COMPONENT = `# What env.yaml has no key for: an owner annotation and one feature flag.
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
    - path: deployment-hivebox.yaml      # relative to this folder
`;
const DEPLOYMENT_PATCH = `apiVersion: apps/v1
kind: Deployment
metadata:
    name: hivebox
    namespace: hivebox       # the base's: the overlay's namespace: applies after the Component
    annotations: {example.com/owner: team-bees}
spec:
    template:
        spec:
            containers:
                - name: hivebox
                  env:
                      - {name: FEATURE_SWARM_ALERTS, value: "true"}
`;
const files = (): Record<string, string> =>
  Object.fromEntries(
    ['kustomization.yaml', 'deployment-hivebox.yaml', 'notes.yaml'].map((name) => [name, readFileSync(join(custom, name), 'utf8')]),
  );

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo.root,
    encoding: 'utf8',
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function renderDev(): Promise<Record<string, any>[]> {
  return parseAllDocuments(await kustomizeBuild(join(repo.root, 'envs', 'dev'))).map((doc) => doc.toJS());
}

describe('a Component in envs/dev/custom/', () => {
  it("is listed under the overlay's components: and left exactly as written, across two synths", async () => {
    expect((await runCli(repo.root, 'synth')).code).toBe(0);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'without a Component');
    mkdirSync(custom);
    writeFileSync(join(custom, 'kustomization.yaml'), COMPONENT);
    writeFileSync(join(custom, 'deployment-hivebox.yaml'), DEPLOYMENT_PATCH);
    // A generated file copied in as a starting point carries synth's header: it is still the person's.
    writeFileSync(join(custom, 'notes.yaml'), readFileSync(join(repo.root, 'envs', 'dev', 'patches', 'deployment-hivebox.yaml'), 'utf8'));
    const before = files();

    const first = await runCli(repo.root, 'synth');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('changed  envs/dev/kustomization.yaml');
    expect(first.stdout).not.toContain('custom/');
    const kustomization = readFileSync(join(repo.root, 'envs', 'dev', 'kustomization.yaml'), 'utf8');
    expect(kustomization).toContain('\ncomponents:\n  - custom\n');
    expect(kustomization.split('\n')[0]).toContain('from envs/dev/env.yaml and envs/dev/custom/.');
    expect(readFileSync(join(repo.root, 'envs', 'staging', 'kustomization.yaml'), 'utf8')).not.toContain('components:');
    expect(files()).toEqual(before);

    const second = await runCli(repo.root, 'synth');
    expect(second.stdout).toMatch(/already up to date/);
    expect((await runCli(repo.root, 'synth', '--check')).code).toBe(0);
    expect(files()).toEqual(before);
  });

  it('is rendered by kustomize before the generated patches, namespace and image: env.yaml still applies', async () => {
    const deployment = (await renderDev()).find((m) => m.kind === 'Deployment' && m.metadata.name === 'hivebox')!;
    expect(deployment.metadata.namespace).toBe('hivebox-dev');
    expect(deployment.metadata.annotations).toMatchObject({ 'example.com/owner': 'team-bees' });
    const container = deployment.spec.template.spec.containers.find((c: { name: string }) => c.name === 'hivebox');
    expect(container.env).toContainEqual({ name: 'FEATURE_SWARM_ALERTS', value: 'true' });
    // What env.yaml says is still there: the environment label, the secrets the base wires in.
    expect(deployment.spec.template.metadata.labels['hivebox.dev/environment']).toBe('dev');
    expect(container.env.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['MINIO_ACCESS_KEY', 'MINIO_SECRET_KEY']));
  });

  it('is what validate checks (clean here) and what diff shows', async () => {
    const validate = await runCli(repo.root, 'validate', '--env', 'dev');
    expect(validate.stdout).toMatch(/^✓ dev \(/m);
    expect(validate.code).toBe(0);
    const diff = await runCli(repo.root, 'diff', '--base', 'HEAD', '--env', 'dev');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('~ Deployment.apps hivebox-dev/hivebox (changed)');
    expect(diff.stdout).toContain('example.com/owner');
    expect(diff.stdout).toContain('FEATURE_SWARM_ALERTS');
  });

  it('cannot turn Pod Security off: a privileged container and a privileged Namespace are findings (validate and check exit 1)', async () => {
    writeFileSync(join(custom, 'kustomization.yaml'), `${COMPONENT}    - path: namespace.yaml\n`);
    writeFileSync(join(custom, 'deployment-hivebox.yaml'), `${DEPLOYMENT_PATCH}                  securityContext: {privileged: true}\n`);
    writeFileSync(
      join(custom, 'namespace.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hivebox\n  labels:\n    pod-security.kubernetes.io/enforce: privileged\n',
    );
    const validate = await runCli(repo.root, 'validate', '--env', 'dev', '--format', 'json');
    expect(validate.code).toBe(1);
    const findings = (JSON.parse(validate.stdout) as { findings: { ruleId: string; resource: { kind: string } }[] }).findings;
    expect(findings).toContainEqual(
      expect.objectContaining({ ruleId: 'pss-privileged', resource: expect.objectContaining({ kind: 'Deployment' }) }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({ ruleId: 'pss-namespace', resource: expect.objectContaining({ kind: 'Namespace' }) }),
    );
    const check = await runCli(repo.root, 'check', '--env', 'dev');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('pss-privileged');
  });

  it('must be a Component: anything else is one line, exit 2, and nothing written', async () => {
    writeFileSync(join(custom, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
    const before = snapshot(repo.root);
    const result = await runCli(repo.root, 'synth');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'hivebox-gitops synth: envs/dev/custom/kustomization.yaml: kind: expected Component (a Kustomize Component, apiVersion: kustomize.config.k8s.io/v1alpha1), got "Kustomization"\n',
    );
    expect(snapshot(repo.root)).toEqual(before);
  });

  it('removed, is removed from components: by the next synth', async () => {
    rmSync(custom, { recursive: true });
    expect((await runCli(repo.root, 'synth')).code).toBe(0);
    expect(readFileSync(join(repo.root, 'envs', 'dev', 'kustomization.yaml'), 'utf8')).toBe(
      git('show', 'HEAD:envs/dev/kustomization.yaml'),
    );
  });
});

describe("the README's Component example", () => {
  it('does what the README shows: one changed kustomization, then parity findings pointing into custom/', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Beyond env.yaml: a Kustomize Component'));
    const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => match[2]!);
    const example = tempRepo();
    try {
      expect((await runCli(example.root, 'synth')).code).toBe(0); // a clean clone: everything generated is there
      for (const document of blocks[0]!.split(/^---\n/m)) {
        const path = /^# (envs\/staging\/custom\/\S+)\n/.exec(document)![1]!;
        mkdirSync(join(example.root, path, '..'), { recursive: true });
        writeFileSync(join(example.root, path), document);
      }
      const synth = await runCli(example.root, 'synth');
      expect(`$ npm run synth\n${synth.stdout}`).toBe(blocks[1]);
      const validate = await runCli(example.root, 'validate');
      expect(validate.code).toBe(1);
      const shown = blocks[2]!
        .split('\n')
        .slice(1)
        .filter((line) => line.trim() !== '...' && line !== '');
      for (const line of shown) expect(validate.stdout, line).toContain(`${line}\n`);
    } finally {
      example.cleanup();
    }
  });
});
