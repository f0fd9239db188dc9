/**
 * Findings and diffs point at env.yaml: the source map synth writes
 * (envs/<env>/sources.yaml), the env.yaml positions read from the `yaml`
 * library's node ranges, and validate's and diff's use of both, end to end on
 * a copy of this repository with real kustomize and git.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../src/config/load.ts';
import { diffRepository } from '../src/diff/index.ts';
import { formatText as formatDiff } from '../src/diff/format/text.ts';
import { SettingLocator, SettingSources } from '../src/sources/locate.ts';
import { parseSourceMap, sourceMapPath, type SourceMap } from '../src/sources/map.ts';
import { traceSettings } from '../src/sources/trace.ts';
import { render } from '../src/synth/render.ts';
import { oncePerDirectory } from '../src/toolchain/kubectl.ts';
import { formatSarif } from '../src/validate/format/sarif.ts';
import { formatText } from '../src/validate/format/text.ts';
import { validateRepository } from '../src/validate/index.ts';
import { REPO_ROOT, runCli, tempRepo } from './support/repo.ts';

/** One field of each env.yaml section the constructs read, and a generated field it produces. */
const SECTIONS: ReadonlyArray<readonly [env: string, setting: string, resource: string, field: string]> = [
  ['prod', 'image.digest', 'Deployment/hivebox', 'spec.template.spec.containers[0].image'],
  ['dev', 'app.logLevel', 'ConfigMap/hivebox', 'data.LOG_LEVEL'],
  ['prod', 'scaling.minReplicas', 'HorizontalPodAutoscaler/hivebox', 'spec.minReplicas'],
  ['prod', 'resources.limits.cpu', 'Deployment/hivebox', 'spec.template.spec.containers[0].resources.limits.cpu'],
  ['prod', 'route.host', 'HTTPRoute/hivebox', 'spec.hostnames[0]'],
  ['prod', 'valkey.storage', 'StatefulSet/valkey', 'spec.volumeClaimTemplates[0].spec.resources.requests.storage'],
  ['prod', 'minio.storage', 'StatefulSet/minio', 'spec.volumeClaimTemplates[0].spec.resources.requests.storage'],
  ['prod', 'quota.memory', 'ResourceQuota/hivebox', 'spec.hard["limits.memory"]'],
  ['prod', 'sync.mode', 'StatefulSet/valkey', 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted'],
  ['prod', 'budget.monthly', 'PrometheusRule/hivebox-budget', 'spec.groups[0].rules[1].expr'],
];

describe('the source map', () => {
  const environments = loadEnvironments(REPO_ROOT);
  const traced = new Map<string, SourceMap>();
  const traceOf = (name: string) => {
    if (!traced.has(name))
      traced.set(
        name,
        traceSettings(
          environments.find((e) => e.name === name)!,
          render,
        ),
      );
    return traced.get(name)!;
  };

  it.each(SECTIONS)('%s: %s produces %s %s', (env, setting, resource, field) => {
    expect(traceOf(env)[setting]?.[resource]).toContain(field);
  });

  it('is what synth committed for each environment (envs/<env>/sources.yaml)', () => {
    for (const env of ['dev', 'prod'])
      expect(parseSourceMap(readFileSync(join(REPO_ROOT, sourceMapPath(env)), 'utf8'))).toEqual(traceOf(env));
  });

  it('skips the render of a setting no render reads, and comes out as if it had rendered every one', () => {
    const prod = environments.find((e) => e.name === 'prod')!;
    const rendered: string[] = [];
    const counting = (environment: typeof prod) => (rendered.push('tracked'), render(environment));
    // JSON.stringify reads every setting: nothing can be skipped.
    const readingAll = (environment: typeof prod) => (JSON.stringify(environment), rendered.push('all'), render(environment));
    expect(traceSettings(prod, readingAll)).toEqual(traceSettings(prod, counting));
    const count = (kind: string) => rendered.filter((r) => r === kind).length;
    expect(count('tracked')).toBeLessThan(count('all'));
  });

  it("names no setting that no construct reads, nor validate's own (validation, waivers)", () => {
    const settings = Object.keys(traceOf('prod'));
    for (const unread of ['cluster', 'kubernetesVersion', 'promotesFrom']) expect(settings).not.toContain(unread);
    expect(settings.filter((s) => s.startsWith('validation') || s.startsWith('waivers'))).toEqual([]);
  });
});

describe('a generated field, located at its setting', () => {
  it.each(SECTIONS)('%s: %s is found on its own line of env.yaml', (env, setting, resource, field) => {
    const file = `envs/${env}/env.yaml`;
    const [source] = new SettingSources(REPO_ROOT, env, new SettingLocator(REPO_ROOT, file)).of(resource, field);
    expect(source).toMatchObject({ setting, file, isDefault: false, envFile: file });
    const key = setting.split('.').at(-1)!;
    expect(readFileSync(join(REPO_ROOT, file), 'utf8').split('\n')[source!.line! - 1]).toMatch(new RegExp(`^\\s*${key}:`));
  });

  it('a setting the environment leaves to its default points at src/config/schema.ts', () => {
    const [source] = new SettingSources(REPO_ROOT, 'prod', new SettingLocator(REPO_ROOT, 'envs/prod/env.yaml')).of(
      'ConfigMap/hivebox',
      'data.LOG_LEVEL',
    );
    expect(source).toEqual({ setting: 'app.logLevel', file: 'src/config/schema.ts', isDefault: true, envFile: 'envs/prod/env.yaml' });
  });
});

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('validate and diff on a change to envs/staging/env.yaml (app.logLevel: debug, which prod does not set)', () => {
  let root: string;
  let cleanup: () => void;
  const build = oncePerDirectory(process.env);
  const STAGING = 'envs/staging/env.yaml';
  let logLevelLine: number;

  beforeAll(async () => {
    ({ root, cleanup } = tempRepo({ withGenerated: true }));
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'start');
    const text = readFileSync(join(root, STAGING), 'utf8').replace(/^route:/m, 'app:\n  logLevel: debug\nroute:');
    writeFileSync(join(root, STAGING), text);
    logLevelLine = text.split('\n').findIndex((line) => line === '  logLevel: debug') + 1;
    expect((await runCli(root, 'synth')).code).toBe(0);
  }, 120_000);
  afterAll(() => cleanup());

  it('validate: the parity finding names env.yaml, line and setting next to the generated file, and its fix names the setting', async () => {
    const report = await validateRepository({ root, build });
    const [finding] = report.findings;
    expect(report.findings.map((f) => `${f.ruleId} ${f.resource.kind}/${f.resource.name} ${f.path}`)).toEqual([
      'parity ConfigMap/hivebox data.LOG_LEVEL',
    ]);
    expect(finding!.settings).toEqual([
      { setting: 'app.logLevel', file: STAGING, line: logLevelLine, isDefault: false, envFile: STAGING },
      { setting: 'app.logLevel', file: 'src/config/schema.ts', isDefault: true, envFile: 'envs/prod/env.yaml' },
    ]);
    expect(formatText(report)).toMatch(
      new RegExp(
        `\\[envs/staging/patches/configmap-hivebox\\.yaml:\\d+ ← envs/staging/env\\.yaml:${logLevelLine} app\\.logLevel, src/config/schema\\.ts app\\.logLevel \\(default\\)\\]`,
      ),
    );
    expect(finding!.fix).toMatch(
      new RegExp(
        `^Change app\\.logLevel \\(envs/staging/env\\.yaml:${logLevelLine}\\), app\\.logLevel \\(default in src/config/schema\\.ts; set it in envs/prod/env\\.yaml\\)`,
      ),
    );
  });

  it('SARIF: the result is located at the env.yaml line, the generated file is a related location', async () => {
    const sarif = JSON.parse(formatSarif(await validateRepository({ root, build })));
    const [result] = sarif.runs[0].results;
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: STAGING, uriBaseId: '%SRCROOT%' },
      region: { startLine: logLevelLine },
    });
    expect(
      result.relatedLocations.map(
        (l: { physicalLocation: { artifactLocation: { uri: string } } }) => l.physicalLocation.artifactLocation.uri,
      ),
    ).toEqual(['envs/staging/patches/configmap-hivebox.yaml', 'src/config/schema.ts']);
  });

  it('a waiver in env.yaml: the finding is reported as waived with its reason; expired, it is a finding at its line', async () => {
    const original = readFileSync(join(root, STAGING), 'utf8');
    try {
      appendFileSync(
        join(root, STAGING),
        'waivers:\n  - rule: parity\n    resource: ConfigMap/hivebox\n    reason: debug logs for issue 42\n    expires: 2999-12-31\n',
      );
      const waived = await validateRepository({ root, build });
      expect(waived.findings).toEqual([]);
      expect(waived.waived.map((f) => [f.ruleId, f.path, f.waiver.reason])).toEqual([
        ['parity', 'data.LOG_LEVEL', 'debug logs for issue 42'],
      ]);
      expect(formatText(waived)).toContain(
        'staging: parity on ConfigMap hivebox-staging/hivebox data.LOG_LEVEL: waived: "debug logs for issue 42"',
      );

      const waiverLine = original.split('\n').length + 1;
      const expired = await validateRepository({ root, build, today: '3000-01-01' });
      expect(expired.findings.map((f) => [f.ruleId, f.location])).toEqual([
        ['parity', expect.objectContaining({ file: 'envs/staging/patches/configmap-hivebox.yaml' })],
        ['waiver-expired', { file: STAGING, line: waiverLine }],
      ]);
      const sarif = JSON.parse(formatSarif(expired));
      expect(
        sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'waiver-expired').locations[0].physicalLocation.region,
      ).toEqual({ startLine: waiverLine });
    } finally {
      writeFileSync(join(root, STAGING), original);
    }
  });

  it('validate --env staging says it skipped parity because prod is not selected', async () => {
    const report = await validateRepository({ root, build, envs: ['staging'] });
    expect(report.skipped).toEqual([
      { rule: 'parity', scope: 'staging', reason: 'staging mirrors prod, and prod is not in the selection (add --env prod)' },
    ]);
    expect(formatText(report)).toContain(
      '- parity skipped for staging: staging mirrors prod, and prod is not in the selection (add --env prod)',
    );
  });

  it('diff --by-setting groups the change under app.logLevel, and a change no setting explains under the code', async () => {
    const patch = join(root, 'envs/staging/patches/deployment-hivebox.yaml');
    const original = readFileSync(patch, 'utf8');
    try {
      // A hand edit of a generated file: a change of the generated files that no env.yaml setting made.
      writeFileSync(patch, `${original}- op: add\n  path: /metadata/labels/edited-by-hand\n  value: "yes"\n`);
      const report = await diffRepository({ root, base: 'HEAD', envs: ['staging'], bySetting: true });
      const staging = report.sections.find((s) => s.name === 'staging')!;
      expect(staging.bySetting).toEqual([
        {
          setting: 'app.logLevel',
          where: `${STAGING}:${logLevelLine}`,
          after: 'debug',
          changes: {
            'ConfigMap hivebox-staging/hivebox': ['data.LOG_LEVEL'],
            'Deployment.apps hivebox-staging/hivebox': ['spec.template.metadata.annotations["hivebox.dev/config-hash"]'],
          },
        },
        { changes: { 'Deployment.apps hivebox-staging/hivebox': ['metadata.labels.edited-by-hand'] } },
      ]);
      expect(formatDiff(report)).toContain(`app.logLevel: (default) -> "debug"  (${STAGING}:${logLevelLine})`);
    } finally {
      writeFileSync(patch, original);
    }
  });
});
