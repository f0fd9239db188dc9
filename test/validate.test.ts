/**
 * `hivebox-gitops validate` end to end: real kustomize renders a repository
 * (a small fixture, or a copy of this one), the CLI runs in-process.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../src/config/environment.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { parityPairs, requiresDigest, validateRepository } from '../src/validate/index.ts';
import { copyTree, runCli, tempRepo } from './support/repo.ts';

const FIXTURE = resolve(import.meta.dirname, 'fixtures', 'validate', 'repo');

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function fixtureCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'hivebox-validate-'));
  copyTree(FIXTURE, root);
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function repositoryCopy(): string {
  const { root, cleanup } = tempRepo({ withGenerated: true });
  cleanups.push(cleanup);
  return root;
}

const PLANTED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: planted
spec:
  replicas: 1
  selector:
    matchLabels:
      app: planted
  template:
    metadata:
      labels:
        app: planted
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: planted
          image: nginx:latest
          imagePullPolicy: Always
          securityContext:
            privileged: true
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]
          readinessProbe:
            tcpSocket:
              port: 80
          livenessProbe:
            tcpSocket:
              port: 80
          restartPolicyy: Always
`;

function plant(root: string): void {
  writeFileSync(join(root, 'base', 'deployment-planted.yaml'), PLANTED);
  appendFileSync(join(root, 'base', 'kustomization.yaml'), '  - deployment-planted.yaml\n');
}

describe('hivebox-gitops validate on a compliant repository', () => {
  it('exits 0 and says so, checking every environment and argocd/', async () => {
    const result = await runCli(fixtureCopy(), 'validate');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ prod (Kubernetes 1.35, checked with the Kubernetes 1.34 schemas, 8 resources): clean');
    expect(result.stdout).toContain('✓ staging (Kubernetes 1.35, checked with the Kubernetes 1.34 schemas, 8 resources): clean');
    expect(result.stdout).toContain('✓ argocd (Kubernetes 1.35, checked with the Kubernetes 1.34 schemas, 2 resources): clean');
  });
});

describe('a planted Deployment: privileged, :latest, no resources, an unknown field', () => {
  it('is caught on all four counts with exit 1, located in the file under base/', async () => {
    const root = fixtureCopy();
    plant(root);
    const result = await runCli(root, 'validate', '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      findings: Array<{
        ruleId: string;
        scope: string;
        resource: { name: string };
        path: string;
        location?: { file: string; line?: number };
      }>;
    };
    const planted = report.findings.filter((f) => f.resource.name === 'planted');
    for (const scope of ['staging', 'prod']) {
      const rules = planted.filter((f) => f.scope === scope).map((f) => f.ruleId);
      expect(rules).toEqual(expect.arrayContaining(['pss-privileged', 'image-tag', 'resources', 'schema-unknown-field']));
    }
    const unknown = planted.find((f) => f.ruleId === 'schema-unknown-field')!;
    expect(unknown.path).toBe('spec.template.spec.containers[0].restartPolicyy');
    expect(unknown.location).toEqual({
      file: 'base/deployment-planted.yaml',
      line: PLANTED.split('\n').findIndex((l) => l.includes('restartPolicyy')) + 1,
    });
    const privileged = planted.find((f) => f.ruleId === 'pss-privileged')!;
    expect(privileged.location?.line).toBe(PLANTED.split('\n').findIndex((l) => l.includes('privileged: true')) + 1);
  });

  it('prints text grouped by environment, resource and rule, each with a fix', async () => {
    const root = fixtureCopy();
    plant(root);
    const { code, stdout } = await runCli(root, 'validate', '--env', 'staging');
    expect(code).toBe(1);
    expect(stdout).not.toContain('prod (');
    const section = stdout.slice(stdout.indexOf('✗ staging'), stdout.indexOf('argocd ('));
    expect(section).toMatch(/ {2}Deployment web-staging\/planted {2}\(base\/deployment-planted\.yaml\)\n/);
    expect(section).toMatch(
      / {4}error pss-privileged: container planted is privileged \[base\/deployment-planted\.yaml:\d+\]\n {6}fix: .+/,
    );
    expect(section).toMatch(/ {4}error image-tag: .*nginx:latest.*\n {6}fix: /);
  });
});

describe('--format sarif', () => {
  it('is SARIF 2.1.0 with the rules and a located result per finding', async () => {
    const root = fixtureCopy();
    plant(root);
    const { code, stdout } = await runCli(root, 'validate', '--format', 'sarif');
    expect(code).toBe(1);
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const driver = sarif.runs[0].tool.driver;
    expect(driver.name).toBe('hivebox-gitops validate');
    const ruleIds = driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toEqual(expect.arrayContaining(['pss-privileged', 'image-tag', 'resources', 'schema-unknown-field', 'parity']));
    for (const rule of driver.rules) {
      expect(rule.shortDescription.text).toBeTruthy();
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    const results = sarif.runs[0].results;
    expect(results.length).toBeGreaterThanOrEqual(8);
    for (const result of results) {
      expect(ruleIds).toContain(result.ruleId);
      expect(driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(['error', 'warning', 'note']).toContain(result.level);
      expect(result.message.text).toBeTruthy();
      const physical = result.locations[0].physicalLocation;
      expect(existsSync(join(root, physical.artifactLocation.uri))).toBe(true);
      expect(physical.region.startLine).toBeGreaterThanOrEqual(1);
    }
    expect(results.map((r: { ruleId: string }) => r.ruleId)).toEqual(
      expect.arrayContaining(['pss-privileged', 'image-tag', 'resources', 'schema-unknown-field']),
    );
  });
});

describe('environment parity', () => {
  it('reports drift between staging and prod side by side, pointing at the overlay patch', async () => {
    const root = fixtureCopy();
    appendFileSync(
      join(root, 'envs', 'staging', 'kustomization.yaml'),
      '  - path: patches/configmap-web.yaml\n    target:\n      version: v1\n      kind: ConfigMap\n      name: web\n',
    );
    writeFileSync(
      join(root, 'envs', 'staging', 'patches', 'configmap-web.yaml'),
      '- op: replace\n  path: /data/LOG_LEVEL\n  value: debug\n',
    );
    const report = await validateRepository({ root });
    expect(report.findings).toEqual([
      expect.objectContaining({
        ruleId: 'parity',
        scope: 'staging',
        resource: expect.objectContaining({ kind: 'ConfigMap', name: 'web' }),
        path: 'data.LOG_LEVEL',
        sides: { staging: 'debug', prod: 'info' },
        location: { file: 'envs/staging/patches/configmap-web.yaml', line: 1 },
      }),
    ]);
    const { stdout } = await runCli(root, 'validate');
    expect(stdout).toMatch(/error parity: data\.LOG_LEVEL differs from prod.*\n {8}staging {6}debug\n {8}prod {9}info\n/);
  });

  it('prod requires digests by default (the end of the promotion chain); validation.requireDigest turns it off', async () => {
    const root = fixtureCopy();
    const deployment = join(root, 'base', 'deployment-web.yaml');
    writeFileSync(deployment, readFileSync(deployment, 'utf8').replace(/@sha256:[0-9a-f]+/, ''));
    const report = await validateRepository({ root });
    expect(report.findings.map((f) => [f.scope, f.ruleId])).toEqual([['prod', 'image-digest']]);
    appendFileSync(join(root, 'envs', 'prod', 'env.yaml'), 'validation:\n  requireDigest: false\n');
    expect((await validateRepository({ root })).findings).toEqual([]);
  });
});

describe('which environments mirror and which pin digests', () => {
  const env = (name: string, promotesFrom?: string, validation: Environment['validation'] = {}) =>
    ({ name, promotesFrom, validation }) as unknown as Environment;

  it('by default the end of the promotion chain (prod) requires digests and the one before it (staging) mirrors it', () => {
    const all = [env('dev'), env('staging', 'dev'), env('prod', 'staging')];
    expect(parityPairs(all)).toEqual([{ mirror: 'staging', of: 'prod' }]);
    expect(all.map((e) => requiresDigest(e, all))).toEqual([false, false, true]);
  });

  /** A repository whose envs/ holds exactly these environments (name → promotesFrom, and more env.yaml lines). */
  function graph(environments: Record<string, { from?: string; more?: string }>): Environment[] {
    const { root, cleanup } = tempRepo();
    cleanups.push(cleanup);
    rmSync(join(root, 'envs'), { recursive: true, force: true });
    for (const [name, { from, more }] of Object.entries(environments)) {
      mkdirSync(join(root, 'envs', name), { recursive: true });
      writeFileSync(
        join(root, 'envs', name, 'env.yaml'),
        `route:\n  host: ${name}.hivebox.example.com\n${from ? `promotesFrom: ${from}\n` : ''}${more ?? ''}`,
      );
    }
    return loadEnvironments(root);
  }
  const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);

  it('a tree: dev promoting to 100 previews mirrors none of them; staging still mirrors prod', () => {
    const previews = Object.fromEntries(numbered('preview-', 100).map((name) => [name, { from: 'dev' }]));
    const all = graph({ dev: {}, staging: { from: 'dev' }, prod: { from: 'staging' }, ...previews });
    expect(all).toHaveLength(103);
    expect(parityPairs(all)).toEqual([{ mirror: 'staging', of: 'prod' }]);
  });

  it('a chain: only the last but one mirrors the last', () => {
    const names = numbered('e', 12);
    const all = graph(Object.fromEntries(names.map((name, i) => [name, { from: names[i - 1] }])));
    expect(parityPairs(all)).toEqual([{ mirror: 'e011', of: 'e012' }]);
  });

  it('several roots and branches: each environment with a single successor at the end of its chain mirrors it', () => {
    const all = graph({
      a: {},
      b: { from: 'a' }, // a → b
      c: {},
      d: { from: 'c' },
      e: { from: 'd' },
      f: { from: 'c', more: 'validation:\n  mirrors: e\n' }, // c → d → e, c → f
    });
    expect(parityPairs(all)).toEqual([
      { mirror: 'a', of: 'b' },
      { mirror: 'd', of: 'e' },
      { mirror: 'f', of: 'e' },
    ]);
  });

  it('validation.mirrors and validation.requireDigest in env.yaml override the defaults', () => {
    const all = [
      env('dev', undefined, { requireDigest: true }),
      env('staging', 'dev', { mirrors: 'dev' }),
      env('prod', 'staging', { requireDigest: false }),
    ];
    expect(parityPairs(all)).toEqual([{ mirror: 'staging', of: 'dev' }]);
    expect(all.map((e) => requiresDigest(e, all))).toEqual([true, false, false]);
  });
});

describe('waivers in the repository', () => {
  it('are listed in every format, with their reason', async () => {
    const root = fixtureCopy();
    const account = join(root, 'base', 'serviceaccount-web.yaml');
    writeFileSync(
      account,
      readFileSync(account, 'utf8')
        .replace('automountServiceAccountToken: false', '')
        .replace(
          '  name: web\n',
          '  name: web\n  annotations:\n    hivebox.dev/waive.service-account-token: "reads its own Lease through the API"\n',
        ),
    );
    const text = await runCli(root, 'validate');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Waivers (2):');
    expect(text.stdout).toContain(
      'prod: ServiceAccount web-prod/web waives service-account-token (waives 1 finding): "reads its own Lease through the API"',
    );
    const sarif = JSON.parse((await runCli(root, 'validate', '--format', 'sarif')).stdout);
    expect(sarif.runs[0].properties.waivers).toHaveLength(2);
  });
});

describe('bad input and usage exit 2', () => {
  it('an unknown flag, format or environment', async () => {
    const root = fixtureCopy();
    expect((await runCli(root, 'validate', '--strict')).code).toBe(2);
    expect((await runCli(root, 'validate', '--format', 'xml')).code).toBe(2);
    const unknown = await runCli(root, 'validate', '--env', 'qa');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--env: no environment "qa"; expected one of prod, staging (envs/<name>/env.yaml)');
  });

  it('an overlay kustomize cannot build names its kustomization', async () => {
    const root = fixtureCopy();
    appendFileSync(
      join(root, 'envs', 'prod', 'kustomization.yaml'),
      '  - path: patches/missing.yaml\n    target:\n      kind: ConfigMap\n',
    );
    const result = await runCli(root, 'validate');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hivebox-gitops validate: envs\/prod\/kustomization\.yaml: kustomize build .* failed/);
  });
});

describe('this repository', () => {
  it('validates clean', async () => {
    const report = await validateRepository({ root: repositoryCopy() });
    expect(report.findings.map((f) => `${f.scope} ${f.ruleId} ${f.resource.kind}/${f.resource.name}`)).toEqual([]);
    expect(report.scopes.map((s) => s.name)).toEqual(['dev', 'prod', 'staging', 'argocd']);
  });
});
