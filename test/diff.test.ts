/**
 * `hivebox-gitops diff` against temporary Git repositories, rendered with real kustomize.
 * The fixture mirrors the generated layout (base/, envs/<env>/kustomization.yaml, argocd/).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { compareSection } from '../src/diff/compare.ts';
import { COMMENT_MARKER, formatMarkdown, MARKDOWN_LIMIT } from '../src/diff/format/markdown.ts';
import type { DiffReport } from '../src/diff/index.ts';
import { parseKustomizeOutput, parseResources, toResourceSet } from '../src/diff/resources.ts';
import { kustomizeBuild } from '../src/toolchain/kubectl.ts';
import { fromTemplate } from './support/repo.ts';

const ENVS = ['dev', 'staging', 'prod'];
const repos: string[] = [];

afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

function write(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

function overlay(env: string, tag: string): string {
  return `namespace: hivebox-${env}\nresources:\n  - ../../base\nimages:\n  - name: ghcr.io/hivebox-platform/hivebox\n    newTag: ${tag}\n`;
}

function application(env: string): string {
  return `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: hivebox-${env}\n  namespace: argocd\nspec:\n  project: hivebox\n  source:\n    path: envs/${env}\n`;
}

/**
 * Runs `body` with the system temp dir (os.tmpdir(), which reads TMPDIR) pointed at a folder of its
 * own: other test workers extract bases into the shared one at the same time, under the same names.
 */
async function withPrivateTemp<T>(body: (temp: string) => Promise<T>): Promise<T> {
  const temp = mkdtempSync(join(tmpdir(), 'hivebox-diff-test-temp-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = temp;
  try {
    return await body(temp);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(temp, { recursive: true, force: true });
  }
}

/** A committed repository with three environments, all on v0.6.0. */
function fixtureRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'hivebox-diff-test-'));
  repos.push(root);
  // --template= (no sample hooks): 15 files fewer to write, copy and remove for every repository.
  git(root, 'init', '-q', '-b', 'main', '--template=');
  write(root, 'base/kustomization.yaml', 'resources:\n  - deployment.yaml\n  - service.yaml\n  - secret.yaml\n');
  write(
    root,
    'base/deployment.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hivebox
spec:
  selector:
    matchLabels: {app: hivebox}
  template:
    metadata:
      labels: {app: hivebox}
    spec:
      containers:
        - name: hivebox
          image: ghcr.io/hivebox-platform/hivebox:v0.6.0
`,
  );
  write(
    root,
    'base/service.yaml',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: hivebox\nspec:\n  selector: {app: hivebox}\n  ports: [{port: 80}]\n',
  );
  write(root, 'base/secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: demo\nstringData:\n  password: hunter2\n');
  for (const env of ENVS) {
    write(root, `envs/${env}/env.yaml`, `cluster: nonprod\n`);
    write(root, `envs/${env}/kustomization.yaml`, overlay(env, 'v0.6.0'));
    write(root, `argocd/apps/hivebox-${env}.yaml`, application(env));
  }
  write(root, 'argocd/bootstrap/kustomization.yaml', 'resources:\n  - ../apps\n');
  commitAll(root, 'initial');
  return root;
}

function commitAll(root: string, message: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', message);
  return git(root, 'rev-parse', 'HEAD').trim();
}

async function diff(root: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['diff', ...args], {
    cwd: root,
    env: {},
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe('hivebox-gitops diff', () => {
  it('shows a staging-only image change as a change to the staging Deployment and nothing else (text)', async () => {
    const root = fixtureRepo();
    write(root, 'envs/staging/kustomization.yaml', overlay('staging', 'v0.7.0'));
    commitAll(root, 'staging to v0.7.0');

    const { code, stdout } = await diff(root, '--base', 'HEAD~1', '--head', 'HEAD');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^dev +unchanged +0 +0 +0 +3$/m);
    expect(stdout).toMatch(/^staging +changed +0 +0 +1 +2$/m);
    expect(stdout).toMatch(/^prod +unchanged +0 +0 +0 +3$/m);
    expect(stdout).toMatch(/^argocd\/ +unchanged/m);
    expect(stdout).toContain('~ Deployment.apps hivebox-staging/hivebox (changed)');
    expect(stdout).toMatch(/^- +- image: ghcr\.io\/hivebox-platform\/hivebox:v0\.6\.0$/m);
    expect(stdout).toMatch(/^\+ +- image: ghcr\.io\/hivebox-platform\/hivebox:v0\.7\.0$/m);
    expect(stdout).not.toMatch(/=== (dev|prod|argocd\/) ===/);
    expect(stdout.match(/^[~+-] \S+ \S+ \((changed|added|removed)\)$/gm)).toHaveLength(1);
  });

  it('shows the same change as a sticky-comment-ready markdown table with one collapsible block', async () => {
    const root = fixtureRepo();
    write(root, 'envs/staging/kustomization.yaml', overlay('staging', 'v0.7.0'));
    commitAll(root, 'staging to v0.7.0');

    const { code, stdout } = await diff(root, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'markdown');

    expect(code).toBe(0);
    expect(stdout.startsWith(COMMENT_MARKER)).toBe(true);
    expect(stdout).toContain('| `staging` | 🟡 changed | 0 | 0 | 1 | 2 |');
    expect(stdout).toContain('| `dev` | unchanged | 0 | 0 | 0 | 3 |');
    expect(stdout).toContain('| `prod` | unchanged | 0 | 0 | 0 | 3 |');
    expect(stdout.match(/<details>/g)).toHaveLength(1);
    expect(stdout).toContain('<details><summary><b>staging</b>: 1 changed</summary>');
    expect(stdout).toContain('`Deployment.apps hivebox-staging/hivebox`');
    expect(stdout).toMatch(
      /```diff\n--- base\n\+\+\+ head\n@@[^\n]*@@\n[\s\S]*\n\+ +- image: ghcr\.io\/hivebox-platform\/hivebox:v0\.7\.0\n/,
    );
    // Summary first, details after.
    expect(stdout.indexOf('| Environment or folder |')).toBeLessThan(stdout.indexOf('<details>'));
  });

  it('compares the working tree by default and never writes to it', async () => {
    const root = fixtureRepo();
    write(root, 'envs/staging/kustomization.yaml', overlay('staging', 'v0.7.0'));
    const statusBefore = git(root, 'status', '--porcelain');
    const { code, stdout } = await withPrivateTemp(async (temp) => {
      const result = await diff(root, '--base', 'main', '--exit-code', '--format', 'json');
      // The base was extracted there, and removed before diff returned.
      expect(readdirSync(temp)).toEqual([]);
      return result;
    });

    expect(code).toBe(1);
    const report = JSON.parse(stdout) as DiffReport;
    expect(report.head).toBe('working tree');
    expect(report.sections.map((s) => [s.name, s.status])).toEqual([
      ['dev', 'unchanged'],
      ['prod', 'unchanged'],
      ['staging', 'changed'],
      ['argocd/', 'unchanged'],
    ]);
    expect(git(root, 'status', '--porcelain')).toBe(statusBefore);
  });

  it('reports nothing when a ref is compared with itself, even with --exit-code', async () => {
    const root = fixtureRepo();

    const self = await diff(root, '--base', 'HEAD', '--head', 'main', '--exit-code');
    const clean = await diff(root, '--base', 'HEAD', '--exit-code', '--format', 'markdown');

    expect(self.code).toBe(0);
    expect(self.stdout).toContain('No differences.');
    expect(self.stdout).not.toContain('===');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('No differences in any environment.');
    expect(clean.stdout).not.toContain('<details>');
  });

  it('matches resources by identity, not by their order in the output', async () => {
    const root = fixtureRepo();
    write(root, 'base/kustomization.yaml', 'resources:\n  - secret.yaml\n  - service.yaml\n  - deployment.yaml\n');
    commitAll(root, 'reorder');

    const { code, stdout } = await diff(root, '--base', 'HEAD~1', '--head', 'HEAD', '--exit-code');

    expect(code).toBe(0);
    expect(stdout).toContain('No differences.');
  });

  it('sees a change in a file an overlay reads from outside its folder and base/', async () => {
    const root = fixtureRepo();
    write(root, 'shared/quota.yaml', 'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: quota\nspec:\n  hard:\n    pods: "10"\n');
    write(root, 'shared/kustomization.yaml', 'resources:\n  - quota.yaml\n');
    write(root, 'envs/dev/kustomization.yaml', overlay('dev', 'v0.6.0').replace('  - ../../base\n', '  - ../../base\n  - ../../shared\n'));
    commitAll(root, 'shared quota');
    write(root, 'shared/quota.yaml', 'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: quota\nspec:\n  hard:\n    pods: "20"\n');

    const { code, stdout } = await diff(root, '--base', 'HEAD', '--exit-code');

    expect(code).toBe(1);
    expect(stdout).toContain('~ ResourceQuota hivebox-dev/quota (changed)');
    expect(stdout).toMatch(/^dev +changed +0 +0 +1 +3$/m);
  });

  it('compares the Helm values under charts/ file by file', async () => {
    const root = fixtureRepo();
    write(root, 'charts/kyverno/values.yaml', 'admissionController:\n  replicas: 1\n');
    commitAll(root, 'chart values');
    write(root, 'charts/kyverno/values.yaml', 'admissionController:\n  replicas: 3\n');
    write(root, 'charts/loki/values.yaml', 'loki:\n  auth_enabled: false\n');

    const { stdout } = await diff(root, '--base', 'HEAD');
    const added = await diff(root, '--base', 'HEAD~1', '--format', 'markdown');

    expect(stdout).toMatch(/^charts\/ +changed +1 +0 +1 +0$/m);
    expect(stdout).toContain('~ File charts/kyverno/values.yaml (changed)');
    expect(stdout).toContain('-  replicas: 1\n+  replicas: 3');
    expect(stdout).toContain('+ File charts/loki/values.yaml (added)');
    expect(added.stdout).toContain('| `charts/` | 🆕 new folder | 2 | 0 | 0 | 0 |');
  });

  it('exits 1 with --exit-code when there are differences, 0 without it', async () => {
    const root = fixtureRepo();
    write(root, 'envs/dev/kustomization.yaml', overlay('dev', 'v0.8.0'));

    expect((await diff(root, '--base', 'HEAD', '--exit-code')).code).toBe(1);
    expect((await diff(root, '--base', 'HEAD')).code).toBe(0);
  });

  it('rejects a ref that does not exist with exit 2 and a message naming it', async () => {
    const root = fixtureRepo();

    const bad = await diff(root, '--base', 'no-such-branch');
    const badHead = await diff(root, '--base', 'HEAD', '--head', 'deadbeef');
    const option = await diff(root, '--base', '--upload-pack=evil');

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--base "no-such-branch": no such commit, branch or tag');
    expect(badHead.code).toBe(2);
    expect(badHead.stderr).toContain('--head "deadbeef"');
    expect(option.code).toBe(2);
  });

  it('leaves no extracted base behind when --head is bad', async () => {
    const root = fixtureRepo();

    const leftovers = await withPrivateTemp(async (temp) => {
      const { code } = await diff(root, '--base', 'HEAD', '--head', 'deadbeef');
      expect(code).toBe(2);
      // The base is extracted while --head is resolved; give an orphaned extraction time to show.
      await new Promise((resolve) => setTimeout(resolve, 500));
      return readdirSync(temp);
    });

    expect(leftovers).toEqual([]);
  });

  it('rejects a missing --base, an unknown format and an unknown environment with exit 2', async () => {
    const root = fixtureRepo();

    const noBase = await diff(root);
    const format = await diff(root, '--base', 'HEAD', '--format', 'html');
    const env = await diff(root, '--base', 'HEAD', '--env', 'qa');

    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toContain('--base <ref> is required');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format "html"');
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('--env: no environment "qa"; expected one of dev, prod, staging (envs/<name>/env.yaml)');
  });

  it('names the side and the overlay when an overlay does not build (exit 2)', async () => {
    const root = fixtureRepo();
    write(root, 'envs/dev/kustomization.yaml', 'resources:\n  - ../../missing\n');

    const { code, stderr } = await diff(root, '--base', 'HEAD');

    expect(code).toBe(2);
    expect(stderr).toContain('hivebox-gitops diff: working tree: envs/dev: kustomize build');
    expect(stderr).not.toContain(tmpdir());
  });

  it('shows an environment added on one side and one removed on the other', async () => {
    const root = fixtureRepo();
    write(root, 'envs/qa/env.yaml', 'cluster: nonprod\n');
    write(root, 'envs/qa/kustomization.yaml', overlay('qa', 'v0.6.0'));
    write(root, 'argocd/apps/hivebox-qa.yaml', application('qa'));
    rmSync(join(root, 'envs/prod'), { recursive: true });
    rmSync(join(root, 'argocd/apps/hivebox-prod.yaml'));
    commitAll(root, 'qa in, prod out');

    const text = await diff(root, '--base', 'HEAD~1', '--head', 'HEAD', '--exit-code');
    const markdown = await diff(root, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'markdown');

    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^qa +added +3 +0 +0 +0$/m);
    expect(text.stdout).toMatch(/^prod +removed +0 +3 +0 +0$/m);
    expect(text.stdout).toMatch(/^argocd\/ +changed +1 +1 +0 +2$/m);
    expect(text.stdout).toContain('=== qa (new environment: only on the head side) ===');
    expect(text.stdout).toContain('=== prod (removed environment: only on the base side) ===');
    expect(text.stdout).toContain('+ Deployment.apps hivebox-qa/hivebox (added)');
    expect(text.stdout).toContain('- Application.argoproj.io argocd/hivebox-prod (argocd/apps/hivebox-prod.yaml) (removed)');
    expect(markdown.stdout).toContain('| `qa` | 🆕 new environment | 3 | 0 | 0 | 0 |');
    expect(markdown.stdout).toContain('| `prod` | 🗑️ removed environment | 0 | 3 | 0 | 0 |');
  });

  it('limits the comparison to the environments asked for, keeping argocd/', async () => {
    const root = fixtureRepo();
    write(root, 'envs/staging/kustomization.yaml', overlay('staging', 'v0.7.0'));

    const { stdout } = await diff(root, '--base', 'HEAD', '--env', 'dev', '--env', 'prod', '--format', 'json');

    const report = JSON.parse(stdout) as DiffReport;
    expect(report.sections.map((s) => s.name)).toEqual(['dev', 'prod', 'argocd/']);
    expect(report.hasDifferences).toBe(false);
  });

  it('never prints Secret values, only a hash that shows they changed', async () => {
    const root = fixtureRepo();
    write(root, 'base/secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: demo\nstringData:\n  password: correct-horse\n');

    const { stdout } = await diff(root, '--base', 'HEAD');

    expect(stdout).toContain('~ Secret hivebox-dev/demo (changed)');
    expect(stdout).not.toContain('hunter2');
    expect(stdout).not.toContain('correct-horse');
    expect(stdout).toMatch(/- {2}password: <redacted sha256:[0-9a-f]{12}>\n\+ {2}password: <redacted sha256:[0-9a-f]{12}>/);
  });
});

describe('matching resources across the two sides', () => {
  const doc = (apiVersion: string, kind: string, namespace: string) =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: settings\n  namespace: ${namespace}\ndata:\n  a: b\n`;
  const changes = (section: ReturnType<typeof compareSection>) => section.changes.map((c) => `${c.change} ${c.title}`);

  it('tells resources apart by namespace and by API group, not by kind and name alone (both parsers)', () => {
    for (const parse of [parseKustomizeOutput, parseResources]) {
      const set = (text: string) => toResourceSet(parse(text, 'test'));
      // Moved to another namespace: a different object in the cluster, so one removed and one added.
      const moved = compareSection('x', set(doc('v1', 'ConfigMap', 'hivebox-dev')), set(doc('v1', 'ConfigMap', 'hivebox-staging')));
      expect(changes(moved), parse.name).toEqual(['removed ConfigMap hivebox-dev/settings', 'added ConfigMap hivebox-staging/settings']);
      // The same kind and name in another API group (core Event and events.k8s.io Event) is another resource too.
      const regrouped = compareSection('x', set(doc('v1', 'Event', 'hivebox-dev')), set(doc('events.k8s.io/v1', 'Event', 'hivebox-dev')));
      expect(changes(regrouped), parse.name).toEqual([
        'removed Event hivebox-dev/settings',
        'added Event.events.k8s.io hivebox-dev/settings',
      ]);
    }
  });
});

describe('markdown size cap', () => {
  it('stays under 65,000 characters and says what it cut', () => {
    const manyDeployments = (image: string) =>
      Array.from(
        { length: 400 },
        (_, i) =>
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${String(i).padStart(3, '0')}\n  namespace: big\nspec:\n  template:\n    spec:\n      containers:\n${Array.from({ length: 10 }, (_, c) => `        - name: c${c}\n          image: ${image}\n`).join('')}`,
      ).join('---\n');
    // Read as diff reads kustomize output (the stream is in kustomize's block style): a full parse and
    // re-print of 800 Deployments would cost seconds and add nothing to what this test checks.
    const set = (image: string) => toResourceSet(parseKustomizeOutput(manyDeployments(image), 'test'));
    const section = compareSection('big', set('example.com/app:v1'), set('example.com/app:v2'));
    const report: DiffReport = { base: 'main', head: 'working tree', sections: [section], hasDifferences: true };

    const markdown = formatMarkdown(report, { fullCommand: 'npx hivebox-gitops diff --base main' });

    expect(section.counts.changed).toBe(400);
    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(markdown).toContain('| `big` | 🟡 changed | 0 | 0 | 400 | 0 |');
    const shown = markdown.match(/🟡 \*\*changed\*\*/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(markdown).toContain(`${400 - shown} resource diffs not shown (big: ${400 - shown})`);
    expect(markdown).toContain('run `npx hivebox-gitops diff --base main` for every diff');
    expect(markdown.trimEnd().endsWith('for every diff.')).toBe(true);
    expect(markdown.match(/<details>/g)?.length).toBe(markdown.match(/<\/details>/g)?.length);
  });
});

describe('hivebox-gitops diff on the synthesized repository', () => {
  /** This repository's env.yaml files and their real synth output, committed: built once (packed), copied for each test. */
  const synthesized = fromTemplate(async (root) => {
    git(root, 'init', '-q', '-b', 'main', '--template=');
    await synthInto(root);
    commitAll(root, 'synthesized');
  });
  afterAll(() => synthesized.dispose());

  /** A temporary Git repository holding this repository's env.yaml files and their real synth output. */
  async function synthesizedRepo(): Promise<string> {
    const { root } = await synthesized.copy();
    repos.push(root);
    return root;
  }

  async function synthInto(root: string): Promise<void> {
    const { planOutputs } = await import('../src/synth/plan.ts');
    for (const [path, content] of await planOutputs(root)) write(root, path, content);
  }

  it('shows a staging-only image change as one changed Deployment in staging, nothing in dev or prod', async () => {
    const root = await synthesizedRepo();
    const envFile = join(root, 'envs/staging/env.yaml');
    const staging = readFileSync(envFile, 'utf8');
    const changed = staging
      .replace(/^( +tag: )v0\.6\.0$/m, '$1v0.7.0')
      .replace(/^( +digest: )sha256:[0-9a-f]{64}$/m, `$1sha256:${'ab'.repeat(32)}`);
    expect(changed).not.toBe(staging);
    writeFileSync(envFile, changed);
    await synthInto(root);
    commitAll(root, 'staging to v0.7.0');

    // Three runs of the same refs, one per format: independent, so they run at once.
    const [text, markdown, json] = await Promise.all([
      diff(root, '--base', 'HEAD~1', '--head', 'HEAD', '--exit-code'),
      diff(root, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'markdown'),
      diff(root, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json'),
    ]);
    const report = JSON.parse(json.stdout) as DiffReport;

    expect(text.code).toBe(1);
    const byName = new Map(report.sections.map((s) => [s.name, s]));
    expect(byName.get('dev')?.status).toBe('unchanged');
    expect(byName.get('prod')?.status).toBe('unchanged');
    const stagingDiff = byName.get('staging')!;
    expect(stagingDiff.changes.map((c) => `${c.change} ${c.id.kind} ${c.id.namespace}/${c.id.name}`)).toEqual([
      'changed Deployment hivebox-staging/hivebox',
    ]);
    expect(stagingDiff.changes[0]!.patch).toMatch(
      new RegExp(`^\\+ +(- )?image: ghcr\\.io/hivebox-platform/hivebox:v0\\.7\\.0@sha256:${'ab'.repeat(32)}$`, 'm'),
    );
    expect(stagingDiff.changes[0]!.patch).toMatch(/^- +(- )?image: ghcr\.io\/hivebox-platform\/hivebox:v0\.6\.0@sha256:/m);
    expect(text.stdout).toContain('~ Deployment.apps hivebox-staging/hivebox (changed)');
    expect(text.stdout).not.toMatch(/=== (dev|prod) ===/);
    expect(markdown.stdout).toContain('<details><summary><b>staging</b>: 1 changed</summary>');
    expect(markdown.stdout).not.toMatch(/<summary><b>(dev|prod)<\/b>/);
  });

  it('reads the same resource identities from kustomize output as a full YAML parse does', async () => {
    const root = await synthesizedRepo();
    for (const env of ENVS) {
      const output = await kustomizeBuild(join(root, 'envs', env));
      const fast = parseKustomizeOutput(output, env).map((r) => r.key);
      const full = parseResources(output, env).map((r) => r.key);
      expect(fast.length).toBeGreaterThan(10);
      expect(fast).toEqual(full);
    }
    const quoted = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "0123"\n  namespace: \'ns\'\ndata:\n  a: b\n';
    expect(parseKustomizeOutput(quoted, 'quoted').map((r) => r.id)).toEqual([
      { group: '', kind: 'ConfigMap', namespace: 'ns', name: '0123' },
    ]);
  });

  it('finds no difference between the synthesized repository and itself', async () => {
    const root = await synthesizedRepo();

    const { code, stdout } = await diff(root, '--base', 'main', '--exit-code');

    expect(code).toBe(0);
    expect(stdout).toContain('No differences.');
    expect(stdout).toMatch(/^staging +unchanged +0 +0 +0 +\d+$/m);
  });
});
