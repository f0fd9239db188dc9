/**
 * Container image references: the one parser, formatter and comparison in this repository.
 *
 * The grammar is Docker distribution's, transcribed from github.com/distribution/reference v0.6.0
 * (regexp.go for the patterns, reference.go `Parse` for the order of checks and the errors):
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [domain "/"] remote-name         domain := host [":" port]
 *
 * A port is part of the domain (`localhost:5000/x:1` is repository `localhost:5000/x`, tag `1`),
 * and a name is not normalized (no implied `docker.io/library/`): the reference is kept as written,
 * the way kustomize's `images:` transformer and a Pod's `image` field match it.
 * Digests: like the distribution test vectors, only sha256 is a known algorithm (go-digest needs
 * each algorithm registered); it is the only one this repository pins.
 */

// regexp.go, one constant each; `[[:xdigit:]]` is `[0-9a-fA-F]`, `\w` is `[A-Za-z0-9_]`.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const OPTIONAL_PORT = '(?::[0-9]+)?';
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})${OPTIONAL_PORT}`;
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;
/**
 * A repository that names at least two components (`ghcr.io/org/hivebox`, `localhost:5000/x`), as env.yaml
 * requires: Kyverno's `imageReferences` and kustomize's `images:` match the name as written, so a bare `hivebox`
 * (which a container runtime reads as docker.io/library/hivebox) would match neither.
 */
export const QUALIFIED_REPOSITORY_PATTERN = `^(?=.*/)${NAME}$`;
/** A tag: `[\w][\w.-]{0,127}`, spelt out so the env.yaml JSON Schema carries it unchanged. */
export const TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';
const TAG = TAG_PATTERN.slice(1, -1);
const DIGEST_GRAMMAR = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
/** The only digest this repository knows: sha256 and its 64 lowercase hex digits (go-digest's sha256 encoding). */
export const DIGEST_PATTERN = '^sha256:[a-f0-9]{64}$';

const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST_GRAMMAR}))?$`);
const ANCHORED_NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const TAG_REGEXP = new RegExp(TAG_PATTERN);
const DIGEST_REGEXP = new RegExp(DIGEST_PATTERN);

/** reference.go's RepositoryNameTotalLengthMax: the path, without the domain. */
const REPOSITORY_PATH_MAX = 255;
/** Longer input is refused before any pattern runs on it (a bound on the regular expressions' work). */
const REFERENCE_MAX = 4096;

export interface ImageReference {
  /** The name as written, domain and port included (`ghcr.io/org/hivebox`, `localhost:5000/x`). */
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

/** What is wrong with a reference, in the words of reference.go's and go-digest's errors. */
export class ImageReferenceError extends Error {
  override readonly name = 'ImageReferenceError';
}

/** Parses `name[:tag][@digest]` (reference.go `Parse`); throws ImageReferenceError. */
export function parseImageReference(text: string): ImageReference {
  if (text === '') throw new ImageReferenceError('repository name must have at least one component');
  const match = text.length <= REFERENCE_MAX ? REFERENCE.exec(text) : null;
  if (!match) {
    const lower = text.toLowerCase();
    if (lower !== text && text.length <= REFERENCE_MAX && REFERENCE.test(lower))
      throw new ImageReferenceError('repository name must be lowercase');
    throw new ImageReferenceError('invalid reference format');
  }
  const [, repository, tag, digest] = match;
  if (repositoryPath(repository!).length > REPOSITORY_PATH_MAX) {
    throw new ImageReferenceError(`repository name must not be more than ${REPOSITORY_PATH_MAX} characters`);
  }
  if (digest !== undefined) checkDigest(digest);
  return { repository: repository!, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** The reference, or undefined when it is not one. */
export function tryParseImageReference(text: string): ImageReference | undefined {
  try {
    return parseImageReference(text);
  } catch (error) {
    if (error instanceof ImageReferenceError) return undefined;
    throw error;
  }
}

/** The domain part of a repository (`localhost:5000`), or '' when it names none (reference.go `Domain`). */
export function domainOf(repository: string): string {
  return ANCHORED_NAME.exec(repository)?.[1] ?? '';
}

function repositoryPath(repository: string): string {
  return ANCHORED_NAME.exec(repository)?.[2] ?? repository;
}

/** go-digest's `Digest.Validate` with sha256 the one registered algorithm. */
function checkDigest(digest: string): void {
  const colon = digest.indexOf(':');
  if (digest.slice(0, colon) !== 'sha256') throw new ImageReferenceError('unsupported digest algorithm');
  if (digest.length - colon - 1 !== 64) throw new ImageReferenceError('invalid checksum digest length');
  if (!DIGEST_REGEXP.test(digest)) throw new ImageReferenceError('invalid checksum digest format');
}

/** A repository alone: a valid name with no tag and no digest, its path within reference.go's length limit. */
export function isImageRepository(text: string): boolean {
  const reference = tryParseImageReference(text);
  return reference !== undefined && reference.tag === undefined && reference.digest === undefined;
}

export function isImageTag(text: string): boolean {
  return TAG_REGEXP.test(text);
}

export function isImageDigest(text: string): boolean {
  return DIGEST_REGEXP.test(text);
}

/**
 * The part after a repository, on its own, split but not checked: `v0.7.0`, `sha256:<64 hex>` or
 * `v0.7.0@sha256:<64 hex>` (a sha256 digest alone is a digest, anything else before an `@` a tag).
 */
export function splitTagAndDigest(text: string): { tag?: string; digest?: string } {
  const at = text.indexOf('@');
  const [tag, digest] = at >= 0 ? [text.slice(0, at), text.slice(at + 1)] : isImageDigest(text) ? [undefined, text] : [text, undefined];
  return { ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `repository[:tag][@digest]`: the reference Kubernetes pulls and kustomize's `images:` writes. */
export function formatImageReference(image: ImageReference): string {
  return `${image.repository}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
}

/** The same image: repository, tag and digest all equal (absent equals absent). */
export function sameImageReference(a: ImageReference, b: ImageReference): boolean {
  return a.repository === b.repository && a.tag === b.tag && a.digest === b.digest;
}

/** A digest cut to its algorithm and 12 hex digits: enough to tell images apart where people read it. */
export function shortDigest(digest: string): string {
  return digest.slice(0, digest.indexOf(':') + 1 + 12);
}

/** A reference with its digest, if any, shortened (shortDigest). */
export function shortImageReference(text: string): string {
  const reference = tryParseImageReference(text);
  return reference?.digest ? formatImageReference({ ...reference, digest: shortDigest(reference.digest) }) : text;
}
