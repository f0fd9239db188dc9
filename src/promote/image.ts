/**
 * The image a promotion moves: a tag, a digest or both, always against the
 * repository of the environment it lands in. Kept apart from the env.yaml
 * schema's objects so the command can say which flag was wrong.
 */
import { UsageError } from '../errors.ts';

export interface ImageIdentity {
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

// The same grammar the env.yaml schema accepts (src/config/schema.ts).
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Parses `--image`: `v0.7.0`, `sha256:<64 hex>` or `v0.7.0@sha256:<64 hex>`. */
export function parseImageFlag(value: string): { tag?: string; digest?: string } {
  const at = value.indexOf('@');
  const [tag, digest] = at >= 0 ? [value.slice(0, at), value.slice(at + 1)] : DIGEST.test(value) ? [undefined, value] : [value, undefined];
  if (tag !== undefined && (tag.includes('/') || tag.includes(':'))) {
    throw new UsageError(`--image: expected a tag, a digest or tag@digest (no repository: the environment's image.repository is used), got "${value}"`);
  }
  if (tag !== undefined && !TAG.test(tag)) {
    throw new UsageError(`--image: expected a tag such as v0.7.0 (letters, digits, _ . -; at most 128), got "${tag}"`);
  }
  if (tag === 'latest') {
    throw new UsageError('--image: expected a pinned tag, not "latest" (a moving tag would make Git lie about what runs)');
  }
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw new UsageError(`--image: expected a digest sha256: followed by 64 lowercase hex digits, got "${digest}"`);
  }
  return { ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export function sameImage(a: ImageIdentity, b: ImageIdentity): boolean {
  return a.repository === b.repository && a.tag === b.tag && a.digest === b.digest;
}

/** How a commit message names an image: the tag when there is one, else a short digest. */
export function shortName(image: ImageIdentity): string {
  if (image.tag) return image.tag;
  return image.digest ? image.digest.slice(0, 'sha256:'.length + 12) : '(none)';
}

export function fullReference(image: ImageIdentity): string {
  return `${image.repository}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
}
