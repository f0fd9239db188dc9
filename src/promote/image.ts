/**
 * The image a promotion moves: a tag, a digest or both, always against the
 * repository of the environment it lands in. The grammar is the kernel's
 * (kube/image.ts); here only the messages that name the `--image` flag.
 */
import { UsageError } from '../errors.ts';
import { isImageDigest, isImageTag, shortDigest, splitTagAndDigest, type ImageReference } from '../kube/image.ts';

/** Parses `--image`: `v0.7.0`, `sha256:<64 hex>` or `v0.7.0@sha256:<64 hex>` (the kernel's grammar, this flag's messages). */
export function parseImageFlag(value: string): { tag?: string; digest?: string } {
  const { tag, digest } = splitTagAndDigest(value);
  if (tag !== undefined && (tag.includes('/') || tag.includes(':'))) {
    throw new UsageError(
      `--image: expected a tag, a digest or tag@digest (no repository: the environment's image.repository is used), got "${value}"`,
    );
  }
  if (tag !== undefined && !isImageTag(tag)) {
    throw new UsageError(`--image: expected a tag such as v0.7.0 (letters, digits, _ . -; at most 128), got "${tag}"`);
  }
  if (tag === 'latest') {
    throw new UsageError('--image: expected a pinned tag, not "latest" (a moving tag would make Git lie about what runs)');
  }
  if (digest !== undefined && !isImageDigest(digest)) {
    throw new UsageError(`--image: expected a digest sha256: followed by 64 lowercase hex digits, got "${digest}"`);
  }
  return { ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** How a commit message names an image: the tag when there is one, else a short digest. */
export function shortName(image: ImageReference): string {
  if (image.tag) return image.tag;
  return image.digest ? shortDigest(image.digest) : '(none)';
}
