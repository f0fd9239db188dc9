/**
 * kubernetesVersion means something: the default is a Kubernetes minor that is supported upstream,
 * a value outside what the vendored schemas and deprecation table cover is bad input (exit 2, with
 * the range), and validate says which schemas it checked against.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvFileSchema } from '../src/config/schema.ts';
import { SCHEMA_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../src/schemas/coverage.ts';
import { formatJson } from '../src/validate/format/json.ts';
import { formatText } from '../src/validate/format/text.ts';
import { validateManifests } from '../src/validate/index.ts';
import { compliantApp } from './fixtures/validate/manifests.ts';
import { REPO_ROOT, runCli, tempRepo } from './support/repo.ts';

const repo = tempRepo();
afterAll(() => repo.cleanup());
const stagingFile = join(repo.root, 'envs', 'staging', 'env.yaml');
const staging = readFileSync(stagingFile, 'utf8');

describe('kubernetesVersion in env.yaml', () => {
  it('defaults to the newest version in the supported range, which is not end of life (1.34 was, on 2026-10-27)', () => {
    const version = EnvFileSchema.parse({ route: { host: 'x.example.com' } }).kubernetesVersion;
    expect(version).toBe(SUPPORTED_KUBERNETES_VERSIONS.at(-1));
    expect(version).toBe('1.35');
  });

  it.each(['1.31', '1.36', '1.3', '2.0'])(
    '%s is outside the range: exit 2, one line naming file, field and the supported range',
    async (value) => {
      writeFileSync(stagingFile, `${staging}kubernetesVersion: "${value}"\n`);
      const result = await runCli(repo.root, 'synth', '--check');
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `hivebox-gitops synth: envs/staging/env.yaml: kubernetesVersion: expected a Kubernetes minor version from 1.34 to 1.35, the range the vendored schemas (Kubernetes 1.34) and API deprecation table cover, got "${value}"\n`,
      );
    },
  );

  it('accepts every version of the range', () => {
    for (const version of SUPPORTED_KUBERNETES_VERSIONS) {
      expect(EnvFileSchema.parse({ route: { host: 'x.example.com' }, kubernetesVersion: version }).kubernetesVersion).toBe(version);
    }
  });
});

describe('validate names the schemas it used', () => {
  it('the core schemas are the Kubernetes version coverage.ts says', () => {
    const source = (JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'schemas', 'data', 'kubernetes.json'), 'utf8')) as { source: string })
      .source;
    expect(source).toContain(`(Kubernetes ${SCHEMA_KUBERNETES_VERSION} OpenAPI)`);
  });

  it('in text and json, per environment', () => {
    const report = validateManifests({ scopes: [{ name: 'prod', kubernetesVersion: '1.35', manifests: compliantApp() }] });
    expect(formatText(report).split('\n')[0]).toBe(
      `✓ prod (Kubernetes 1.35, checked with the Kubernetes ${SCHEMA_KUBERNETES_VERSION} schemas, ${compliantApp().length} resources): clean`,
    );
    expect(JSON.parse(formatJson(report)).scopes[0]).toMatchObject({
      name: 'prod',
      kubernetesVersion: '1.35',
      schemaVersion: SCHEMA_KUBERNETES_VERSION,
    });
  });
});
