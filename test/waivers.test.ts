/**
 * Waivers in env.yaml (`waivers:`): active, expired, unused, not checked, and the
 * bad ones refused: a malformed one when env.yaml is read, one of a rule validate does not
 * have when validate starts. Time is injected (`today`): nothing here depends
 * on the day the suite runs.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvironment } from '../src/config/load.ts';
import { InputError } from '../src/errors.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { validateManifests, validateRepository } from '../src/validate/index.ts';
import type { EnvWaiver, ValidationReport } from '../src/validate/types.ts';
import { compliantApp } from './fixtures/validate/manifests.ts';

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The compliant app whose Deployment has no readiness probe: one `probes` finding on Deployment/web. */
function withoutReadiness(): Manifest[] {
  const manifests = structuredClone(compliantApp()) as Mutable[];
  delete manifests.find((m) => m.kind === 'Deployment')!.spec.template.spec.containers[0].readinessProbe;
  return manifests as unknown as Manifest[];
}

const waiver = (fields: Partial<EnvWaiver>, index = 0): EnvWaiver => ({
  rule: 'probes',
  reason: 'a batch worker: nothing to be ready for',
  expires: '2026-06-30',
  path: `waivers[${index}]`,
  location: { file: 'envs/prod/env.yaml', line: 20 + index * 4 },
  ...fields,
});

function check(waivers: EnvWaiver[], today: string, options: { parity?: boolean } = {}): ValidationReport {
  const scopes = [{ name: 'prod', file: 'envs/prod/env.yaml', manifests: withoutReadiness(), waivers }];
  if (options.parity)
    scopes.push({ name: 'staging', file: 'envs/staging/env.yaml', manifests: withoutReadiness(), waivers: [waiver({ rule: 'parity' })] });
  return validateManifests({ scopes, today, ...(options.parity ? { parity: [{ mirror: 'staging', of: 'prod' }] } : {}) });
}

describe('a waiver in env.yaml', () => {
  it('before and on its expiry date: silences its rule on its resource, and the finding is reported as waived with the reason', () => {
    for (const today of ['2026-01-01', '2026-06-30']) {
      const report = check([waiver({ resource: 'Deployment/web' })], today);
      expect(report.findings).toEqual([]);
      expect(report.waived).toEqual([
        expect.objectContaining({
          ruleId: 'probes',
          resource: expect.objectContaining({ kind: 'Deployment', name: 'web' }),
          waiver: expect.objectContaining({ reason: 'a batch worker: nothing to be ready for', expires: '2026-06-30' }),
        }),
      ]);
      expect(report.waivers).toEqual([
        expect.objectContaining({
          ruleId: 'probes',
          status: 'active',
          waived: 1,
          path: 'waivers[0]',
          location: { file: 'envs/prod/env.yaml', line: 20 },
        }),
      ]);
    }
  });

  it('without a resource: waives the rule on every resource of the environment', () => {
    expect(check([waiver({})], '2026-01-01').findings).toEqual([]);
  });

  it('waives only its own rule, on its own resource', () => {
    expect(check([waiver({ rule: 'resources' })], '2026-01-01').findings.map((f) => f.ruleId)).toEqual(['probes']);
    expect(check([waiver({ resource: 'Deployment/other' })], '2026-01-01').findings.map((f) => f.ruleId)).toEqual(['probes']);
  });

  it('the day after it expires: waives nothing, and is a finding at its place in env.yaml naming the waiver', () => {
    const report = check([waiver({ resource: 'Deployment/web' })], '2026-07-01');
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.resource.kind, f.path, f.location])).toEqual(
      [
        ['waiver-expired', 'error', 'env.yaml', 'waivers[0]', { file: 'envs/prod/env.yaml', line: 20 }],
        ['probes', 'error', 'Deployment', 'spec.template.spec.containers[0].readinessProbe', { file: 'envs/prod/env.yaml' }],
      ].sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
    );
    expect(report.findings.find((f) => f.ruleId === 'waiver-expired')!.message).toBe(
      'the waiver of probes on Deployment/web expired on 2026-06-30 ("a batch worker: nothing to be ready for"), so probes applies again',
    );
    expect(report.waivers).toEqual([expect.objectContaining({ status: 'expired', waived: 0 })]);
  });

  it('matching nothing: a warning (status unused), never a finding', () => {
    const report = check([waiver({ rule: 'service-account-token', resource: 'ServiceAccount/web' }, 0)], '2026-01-01');
    expect(report.findings.map((f) => f.ruleId)).toEqual(['probes']);
    expect(report.waivers).toEqual([expect.objectContaining({ ruleId: 'service-account-token', status: 'unused', waived: 0 })]);
  });

  it('of parity, when parity did not run (the other environment is not selected): not checked, not unused', () => {
    const staging = validateManifests({
      scopes: [{ name: 'staging', manifests: compliantApp(), waivers: [waiver({ rule: 'parity' })] }],
      today: '2026-01-01',
    });
    expect(staging.waivers.map((w) => w.status)).toEqual(['not-checked']);
    const both = check([], '2026-01-01', { parity: true });
    expect(both.waivers.map((w) => [w.scope, w.status])).toEqual([['staging', 'unused']]);
  });
});

describe('waivers: bad input is refused when env.yaml is read, or validate starts (exit 2, the field path)', () => {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

  /** The error reading env.yaml with these waivers, or (when it reads) validating it; before anything is rendered. */
  async function load(waivers: string): Promise<InputError> {
    const root = mkdtempSync(join(tmpdir(), 'hivebox-waivers-'));
    roots.push(root);
    mkdirSync(join(root, 'envs', 'qa'), { recursive: true });
    writeFileSync(join(root, 'envs', 'qa', 'env.yaml'), `route:\n  host: qa.example.com\nwaivers:\n${waivers}`);
    try {
      loadEnvironment(root, 'qa');
      await validateRepository({ root, argocd: false });
    } catch (error) {
      if (error instanceof InputError) return error;
      throw error;
    }
    throw new Error('loaded');
  }

  it.each([
    [
      'an unknown rule',
      '  - { rule: probe, reason: r, expires: 2026-01-01 }\n',
      'waivers[0].rule',
      'expected a rule of hivebox-gitops validate, such as parity or service-account-token (README, Validate), got "probe" (did you mean probes?)',
    ],
    ['an unknown rule, far from any', '  - { rule: frobnicate, reason: r, expires: 2026-01-01 }\n', 'waivers[0].rule', 'got "frobnicate"'],
    [
      'not a rule id at all',
      '  - { rule: "Probes!", reason: r, expires: 2026-01-01 }\n',
      'waivers[0].rule',
      'a rule id of hivebox-gitops validate',
    ],
    [
      'a waiver of a waiver rule',
      '  - { rule: waiver-expired, reason: r, expires: 2026-01-01 }\n',
      'waivers[0].rule',
      'got "waiver-expired"',
    ],
    ['no reason', '  - { rule: probes, reason: " ", expires: 2026-01-01 }\n', 'waivers[0].reason', 'a reason'],
    ['no expiry date', '  - { rule: probes, reason: r }\n', 'waivers[0].expires', 'expected'],
    [
      'a date that is not ISO',
      '  - { rule: probes, reason: r, expires: 31.12.2026 }\n',
      'waivers[0].expires',
      'an ISO date such as 2026-12-31',
    ],
    [
      'a resource that is not Kind/name',
      '  - { rule: probes, resource: hivebox, reason: r, expires: 2026-01-01 }\n',
      'waivers[0].resource',
      'Kind/name',
    ],
  ])('%s', async (_what, yaml, path, message) => {
    const error = await load(yaml);
    expect(error.message).toContain(`envs/qa/env.yaml: ${path}: `);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
  });
});
