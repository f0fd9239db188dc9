/**
 * Who may sign the HiveBox image. Kyverno admits a HiveBox pod only when its image carries a
 * cosign keyless signature whose certificate names this identity: the application repository's
 * release workflow, run for a release tag. A fork changes IMAGE_SIGNER and nothing else.
 *
 * GitHub's OIDC token names the workflow file and the ref it ran on, and Fulcio copies that into
 * the certificate's subject alternative name:
 *   https://github.com/<owner>/<repo>/.github/workflows/release.yml@refs/tags/v1.2.3
 * A pull request's run carries refs/pull/<n>/merge, a branch's refs/heads/<name>: neither matches.
 *
 * How Kyverno compares (kyverno v1.19, pkg/image/verifiers/cpol/cosign/cosign.go, matchCertificateData):
 * `subject` goes through github.com/IGLOU-EU/go-wildcard v1.0.3, where `*` spans any characters,
 * `/` and `@` included — `…/.github/workflows/*` accepts every workflow on every ref — and
 * `subjectRegExp` through Go's regexp.MatchString, which is unanchored. So the policy uses
 * `subjectRegExp`, anchored at both ends, with every literal character escaped.
 */

export interface ImageSigner {
  /** The GitHub repository (owner/name) whose workflow builds, pushes and signs the image. */
  readonly repository: string;
  /** That repository's signing workflow, as GitHub names it in the certificate. */
  readonly workflow: string;
  /**
   * The refs a signing run may be on: a regular expression (RE2 syntax, no anchors) over the
   * ref. Release tags v<major>.<minor>.<patch>, optionally with a pre-release suffix.
   */
  readonly refPattern: string;
  /** The OIDC issuer of the certificate: GitHub Actions. */
  readonly issuer: string;
}

export const IMAGE_SIGNER: ImageSigner = {
  repository: 'hivebox-platform/hivebox',
  workflow: '.github/workflows/release.yml',
  refPattern: 'refs/tags/v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?',
  issuer: 'https://token.actions.githubusercontent.com',
};

export const REKOR_URL = 'https://rekor.sigstore.dev';

/** The certificate identity a signature must carry, as one anchored regular expression. */
export function signerSubjectRegExp(signer: ImageSigner = IMAGE_SIGNER): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(signer.repository))
    throw new Error(`IMAGE_SIGNER.repository: expected owner/name, got "${signer.repository}"`);
  if (!/^\.github\/workflows\/[\w.-]+\.ya?ml$/.test(signer.workflow)) {
    throw new Error(`IMAGE_SIGNER.workflow: expected .github/workflows/<file>.yml, got "${signer.workflow}"`);
  }
  if (/^\^|\$$/.test(signer.refPattern)) throw new Error('IMAGE_SIGNER.refPattern: leave out ^ and $; the whole identity is anchored');
  return `^${escapeRegExp(`https://github.com/${signer.repository}/${signer.workflow}@`)}(${signer.refPattern})$`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, (c) => `\\${c}`);
}

/** A verifyImages keyless attestor, the fields identity matching reads. */
export interface KeylessIdentity {
  readonly subject?: string;
  readonly subjectRegExp?: string;
  readonly issuer?: string;
  readonly issuerRegExp?: string;
}

/**
 * Whether Kyverno accepts a certificate with this subject alternative name and issuer for a
 * keyless attestor: a port of matchCertificateData/matchExtensions (kyverno v1.19). Either of
 * subject (wildcard) and subjectRegExp may match; the issuer must match every field given.
 * Regular expressions run as JavaScript ones, which agree with RE2 on the syntax used here
 * (literals, classes, groups, alternation, quantifiers: no look-around or back-references).
 */
export function kyvernoAcceptsIdentity(keyless: KeylessIdentity, san: string, issuer: string): boolean {
  if (keyless.subject || keyless.subjectRegExp) {
    const bySubject = keyless.subject !== undefined && keyless.subject !== '' && wildcardMatch(keyless.subject, san);
    const byRegExp = keyless.subjectRegExp !== undefined && keyless.subjectRegExp !== '' && re2(keyless.subjectRegExp).test(san);
    if (!bySubject && !byRegExp) return false;
  }
  if (keyless.issuer && !wildcardMatch(keyless.issuer, issuer)) return false;
  if (keyless.issuerRegExp && !re2(keyless.issuerRegExp).test(issuer)) return false;
  return true;
}

function re2(pattern: string): RegExp {
  if (/\(\?[=!<]|\\[1-9]/.test(pattern)) throw new Error(`${pattern}: look-around and back-references are not RE2`);
  return new RegExp(pattern, 'u');
}

/**
 * github.com/IGLOU-EU/go-wildcard v1.0.3 Match (what kyverno/ext/wildcard calls): `*` matches any
 * run of characters (none included, `/` included), `?` exactly one; everything else itself.
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  if (pattern === '') return name === '';
  if (pattern === '*') return true;
  return deepMatch([...name], [...pattern]);
}

function deepMatch(str: readonly string[], pattern: readonly string[]): boolean {
  let s = 0;
  let p = 0;
  while (p < pattern.length) {
    const c = pattern[p];
    if (c === '*')
      return deepMatch(str.slice(s), pattern.slice(p + 1)) || (s < str.length && deepMatch(str.slice(s + 1), pattern.slice(p)));
    if (c === '?') {
      if (s >= str.length) return false;
    } else if (s >= str.length || str[s] !== c) {
      return false;
    }
    s++;
    p++;
  }
  return s === str.length;
}
