/**
 * The signer identity Kyverno trusts for the HiveBox image, judged the way Kyverno judges it
 * (a port of matchCertificateData, kyverno v1.19, with go-wildcard v1.0.3 for `subject`):
 * the application's release workflow on a release tag is accepted; the same workflow on a pull
 * request or a branch, another workflow, another repository are refused. The policy is read from
 * the generated argocd/<cluster>/platform/kyverno/manifests.yaml, what Argo CD applies.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { IMAGE_SIGNER, kyvernoAcceptsIdentity, signerSubjectRegExp, wildcardMatch, type KeylessIdentity } from '../src/platform/signing.ts';

const ROOT = join(import.meta.dirname, '..');
const ISSUER = 'https://token.actions.githubusercontent.com';
const APP = 'https://github.com/hivebox-platform/hivebox';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = Record<string, any>;
const clusters = readdirSync(join(ROOT, 'argocd')).filter((name) => !name.includes('.'));
function keylessOf(cluster: string): KeylessIdentity[] {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'argocd', cluster, 'platform', 'kyverno', 'manifests.yaml'), 'utf8')).map(
    (d) => d.toJS() as Any,
  );
  const policy = docs.find((d) => d.kind === 'ClusterPolicy' && d.metadata.name === 'hivebox-verify-image-signature')!;
  return policy.spec.rules.flatMap((rule: Any) =>
    (rule.verifyImages ?? []).flatMap((verify: Any) =>
      verify.attestors.flatMap((attestor: Any) => attestor.entries.map((entry: Any) => entry.keyless)),
    ),
  );
}
/** Kyverno admits the signature when any keyless entry of the attestor accepts it (count unset: all entries must, and there is one). */
const accepted = (cluster: string, san: string, issuer = ISSUER) =>
  keylessOf(cluster).every((keyless) => kyvernoAcceptsIdentity(keyless, san, issuer));

describe('the HiveBox image signer (Kyverno verifyImages keyless)', () => {
  it('has clusters to check', () => {
    expect(clusters.sort()).toEqual(['nonprod', 'prod']);
    for (const cluster of clusters) expect(keylessOf(cluster).length).toBeGreaterThan(0);
  });

  it.each(clusters)('%s: accepts the release workflow run for a release tag', (cluster) => {
    expect(accepted(cluster, `${APP}/.github/workflows/release.yml@refs/tags/v1.2.3`)).toBe(true);
    expect(accepted(cluster, `${APP}/.github/workflows/release.yml@refs/tags/v0.7.0-rc.1`)).toBe(true);
  });

  it.each(clusters)('%s: refuses the release workflow on a pull request or a branch, and every other identity', (cluster) => {
    const refused = [
      `${APP}/.github/workflows/release.yml@refs/pull/42/merge`, // a pull request's run
      `${APP}/.github/workflows/release.yml@refs/heads/main`,
      `${APP}/.github/workflows/release.yml@refs/heads/v1.2.3`, // a branch named like a tag
      `${APP}/.github/workflows/ci.yml@refs/tags/v1.2.3`, // another workflow of the app
      `${APP}/.github/workflows/release.yml@refs/tags/latest`,
      `${APP}/.github/workflows/release.yml@refs/tags/v1.2.3/../../pull/42/merge`,
      `${APP}/.github/workflows/release.yml@refs/tags/v1.2.3@refs/pull/42/merge`,
      `${APP}-fork/.github/workflows/release.yml@refs/tags/v1.2.3`, // a repository whose name starts the same
      `https://github.com/attacker/hivebox/.github/workflows/release.yml@refs/tags/v1.2.3`,
      `https://github.com/attacker/x/.github/workflows/y.yml@refs/heads/main?${APP}/.github/workflows/release.yml@refs/tags/v1.2.3`,
      `${APP}/.github/workflows/releaseXyml@refs/tags/v1.2.3`, // an unescaped `.` would let this through
      `https://githubXcom/hivebox-platform/hivebox/.github/workflows/release.yml@refs/tags/v1.2.3`,
    ];
    for (const san of refused) expect(accepted(cluster, san), san).toBe(false);
  });

  it.each(clusters)('%s: refuses the right identity from another OIDC issuer', (cluster) => {
    expect(
      accepted(
        cluster,
        `${APP}/.github/workflows/release.yml@refs/tags/v1.2.3`,
        'https://token.actions.githubusercontent.com.attacker.example',
      ),
    ).toBe(false);
    expect(accepted(cluster, `${APP}/.github/workflows/release.yml@refs/tags/v1.2.3`, 'https://accounts.google.com')).toBe(false);
  });

  it('is one setting: the policy is built from IMAGE_SIGNER', () => {
    expect(signerSubjectRegExp(IMAGE_SIGNER)).toBe(keylessOf('prod')[0]!.subjectRegExp);
    const fork = { ...IMAGE_SIGNER, repository: 'acme/beehive', workflow: '.github/workflows/publish.yaml' };
    const forked: KeylessIdentity = { subjectRegExp: signerSubjectRegExp(fork), issuer: fork.issuer };
    expect(kyvernoAcceptsIdentity(forked, 'https://github.com/acme/beehive/.github/workflows/publish.yaml@refs/tags/v2.0.0', ISSUER)).toBe(
      true,
    );
    expect(kyvernoAcceptsIdentity(forked, `${APP}/.github/workflows/release.yml@refs/tags/v1.2.3`, ISSUER)).toBe(false);
    expect(() => signerSubjectRegExp({ ...IMAGE_SIGNER, refPattern: '^refs/tags/.*$' })).toThrow(/anchored/);
    expect(() => signerSubjectRegExp({ ...IMAGE_SIGNER, repository: 'hivebox' })).toThrow(/owner\/name/);
  });

  it("shows why `subject` was too wide: Kyverno's wildcard spans `/` and `@`", () => {
    const old: KeylessIdentity = { subject: `${APP}/.github/workflows/*`, issuer: ISSUER };
    expect(kyvernoAcceptsIdentity(old, `${APP}/.github/workflows/release.yml@refs/pull/42/merge`, ISSUER)).toBe(true);
    expect(kyvernoAcceptsIdentity(old, `${APP}/.github/workflows/anything.yml@refs/heads/feature`, ISSUER)).toBe(true);
    // And that a regular expression is unanchored in Go: without ^ and $ a prefix or suffix slips through.
    const unanchored: KeylessIdentity = { subjectRegExp: `${APP.replace(/\./g, '\\.')}/\\.github/workflows/release\\.yml@refs/tags/v` };
    expect(kyvernoAcceptsIdentity(unanchored, `https://evil.example/?${APP}/.github/workflows/release.yml@refs/tags/v1`, ISSUER)).toBe(
      true,
    );
  });
});

describe('wildcardMatch: go-wildcard v1.0.3 (its own test cases)', () => {
  it.each([
    ['*', 's3:GetObject', true],
    ['', 's3:GetObject', false],
    ['', '', true],
    ['s3:*', 's3:ListMultipartUploadParts', true],
    ['s3:ListBucketMultipartUploads', 's3:ListBucket', false],
    ['my-bucket/oo*', 'my-bucket/oo', true],
    ['my-bucket/In*', 'my-bucket/India/Karnataka/', true],
    ['my-bucket/In*', 'my-bucket/Karnataka/India/', false],
    ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/State1/State2/Karnataka/Area1/Area2/Area3/Ban', true],
    ['my-bucket/In*/Ka*/Ban', 'my-bucket/India/Karnataka/Bangalore', false],
    ['my-bucket?/abc*', 'mybucket/abc', false],
    ['my-bucket?/abc*', 'my-bucket1/abc', true],
    ['my-?-bucket/abc*', 'my--bucket/abc', false],
    ['my??bucket/abc*', 'my4abucket/abc', true],
    ['my-bucket/abc?efg', 'my-bucket/abc/efg', true],
    ['my-bucket/abc????', 'my-bucket/abcde', false],
  ] as const)('Match(%j, %j) = %s', (pattern, text, matched) => {
    expect(wildcardMatch(pattern, text)).toBe(matched);
  });
});
