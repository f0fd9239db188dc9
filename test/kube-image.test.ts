/**
 * Image references (src/kube/image.ts) against Docker distribution's own vectors: TestReferenceParse in
 * github.com/distribution/reference v0.6.0 reference_test.go, copied as written (input, the error expected,
 * or the repository, domain, tag and digest it must give; and Parse(input).String() must be the input).
 */
import { describe, expect, it } from 'vitest';
import {
  domainOf,
  formatImageReference,
  parseImageReference,
  sameImageReference,
  splitTagAndDigest,
  shortImageReference,
} from '../src/kube/image.ts';

const F64 = 'f'.repeat(64);
// reference.go's and go-digest's errors, by their Go names.
const { ErrNameEmpty, ErrReferenceInvalidFormat, ErrNameContainsUppercase, ErrNameTooLong, ErrDigestInvalidLength, ErrDigestUnsupported } =
  {
    ErrNameEmpty: 'repository name must have at least one component',
    ErrReferenceInvalidFormat: 'invalid reference format',
    ErrNameContainsUppercase: 'repository name must be lowercase',
    ErrNameTooLong: 'repository name must not be more than 255 characters',
    ErrDigestInvalidLength: 'invalid checksum digest length',
    ErrDigestUnsupported: 'unsupported digest algorithm',
  };

interface Vector {
  readonly input: string;
  readonly err?: string;
  readonly repository?: string;
  readonly domain?: string;
  readonly tag?: string;
  readonly digest?: string;
}

const VECTORS: readonly Vector[] = [
  { input: 'test_com', repository: 'test_com' },
  { input: 'test.com:tag', repository: 'test.com', tag: 'tag' },
  { input: 'test.com:5000', repository: 'test.com', tag: '5000' },
  { input: 'test.com/repo:tag', domain: 'test.com', repository: 'test.com/repo', tag: 'tag' },
  { input: 'test:5000/repo', domain: 'test:5000', repository: 'test:5000/repo' },
  { input: 'test:5000/repo:tag', domain: 'test:5000', repository: 'test:5000/repo', tag: 'tag' },
  { input: `test:5000/repo@sha256:${F64}`, domain: 'test:5000', repository: 'test:5000/repo', digest: `sha256:${F64}` },
  { input: `test:5000/repo:tag@sha256:${F64}`, domain: 'test:5000', repository: 'test:5000/repo', tag: 'tag', digest: `sha256:${F64}` },
  { input: '', err: ErrNameEmpty },
  { input: ':justtag', err: ErrReferenceInvalidFormat },
  { input: `@sha256:${F64}`, err: ErrReferenceInvalidFormat },
  { input: 'repo@sha256:ffffffffffffffffffffffffffffffffff', err: ErrDigestInvalidLength },
  { input: `validname@invaliddigest:${F64}`, err: ErrDigestUnsupported },
  { input: `validname@sha512:${'f'.repeat(128)}`, err: ErrDigestUnsupported },
  { input: 'Uppercase:tag', err: ErrNameContainsUppercase },
  { input: 'test:5000/Uppercase/lowercase:tag', err: ErrNameContainsUppercase },
  { input: 'lowercase:Uppercase', repository: 'lowercase', tag: 'Uppercase' },
  { input: `domain/${'a'.repeat(256)}:tag`, err: ErrNameTooLong },
  { input: `${'a/'.repeat(127)}a:tag-puts-this-over-max`, domain: 'a', repository: `${'a/'.repeat(127)}a`, tag: 'tag-puts-this-over-max' },
  { input: 'aa/asdf$$^/aa', err: ErrReferenceInvalidFormat },
  { input: 'sub-dom1.foo.com/bar/baz/quux', domain: 'sub-dom1.foo.com', repository: 'sub-dom1.foo.com/bar/baz/quux' },
  {
    input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
    domain: 'sub-dom1.foo.com',
    repository: 'sub-dom1.foo.com/bar/baz/quux',
    tag: 'some-long-tag',
  },
  {
    input: 'b.gcr.io/test.example.com/my-app:test.example.com',
    domain: 'b.gcr.io',
    repository: 'b.gcr.io/test.example.com/my-app',
    tag: 'test.example.com',
  },
  { input: 'xn--n3h.com/myimage:xn--n3h.com', domain: 'xn--n3h.com', repository: 'xn--n3h.com/myimage', tag: 'xn--n3h.com' },
  {
    input: `xn--7o8h.com/myimage:xn--7o8h.com@sha256:${F64}`,
    domain: 'xn--7o8h.com',
    repository: 'xn--7o8h.com/myimage',
    tag: 'xn--7o8h.com',
    digest: `sha256:${F64}`,
  },
  { input: 'foo_bar.com:8080', repository: 'foo_bar.com', tag: '8080' },
  { input: 'foo/foo_bar.com:8080', domain: 'foo', repository: 'foo/foo_bar.com', tag: '8080' },
  { input: '192.168.1.1', repository: '192.168.1.1' },
  { input: '192.168.1.1:tag', repository: '192.168.1.1', tag: 'tag' },
  { input: '192.168.1.1:5000', repository: '192.168.1.1', tag: '5000' },
  { input: '192.168.1.1/repo', domain: '192.168.1.1', repository: '192.168.1.1/repo' },
  { input: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000', repository: '192.168.1.1:5000/repo' },
  { input: '192.168.1.1:5000/repo:5050', domain: '192.168.1.1:5000', repository: '192.168.1.1:5000/repo', tag: '5050' },
  { input: '[2001:db8::1]', err: ErrReferenceInvalidFormat },
  { input: '[2001:db8::1]:5000', err: ErrReferenceInvalidFormat },
  { input: '[2001:db8::1]:tag', err: ErrReferenceInvalidFormat },
  { input: '[2001:db8::1]/repo', domain: '[2001:db8::1]', repository: '[2001:db8::1]/repo' },
  { input: '[2001:db8:1:2:3:4:5:6]/repo:tag', domain: '[2001:db8:1:2:3:4:5:6]', repository: '[2001:db8:1:2:3:4:5:6]/repo', tag: 'tag' },
  { input: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', repository: '[2001:db8::1]:5000/repo' },
  { input: '[2001:db8::1]:5000/repo:tag', domain: '[2001:db8::1]:5000', repository: '[2001:db8::1]:5000/repo', tag: 'tag' },
  {
    input: `[2001:db8::1]:5000/repo@sha256:${F64}`,
    domain: '[2001:db8::1]:5000',
    repository: '[2001:db8::1]:5000/repo',
    digest: `sha256:${F64}`,
  },
  {
    input: `[2001:db8::1]:5000/repo:tag@sha256:${F64}`,
    domain: '[2001:db8::1]:5000',
    repository: '[2001:db8::1]:5000/repo',
    tag: 'tag',
    digest: `sha256:${F64}`,
  },
  { input: '[2001:db8::]:5000/repo', domain: '[2001:db8::]:5000', repository: '[2001:db8::]:5000/repo' },
  { input: '[::1]:5000/repo', domain: '[::1]:5000', repository: '[::1]:5000/repo' },
  { input: '[fe80::1%eth0]:5000/repo', err: ErrReferenceInvalidFormat },
  { input: '[fe80::1%@invalidzone]:5000/repo', err: ErrReferenceInvalidFormat },
  { input: `example.com/${'a'.repeat(255)}:tag`, domain: 'example.com', repository: `example.com/${'a'.repeat(255)}`, tag: 'tag' },
];

describe('image references follow distribution/reference v0.6.0 (TestReferenceParse)', () => {
  it.each(VECTORS.map((v) => [v.input.length > 60 ? `${v.input.slice(0, 57)}...` : v.input, v] as const))('%s', (_, vector) => {
    if (vector.err !== undefined) {
      expect(() => parseImageReference(vector.input)).toThrow(new RegExp(`^${vector.err}$`));
      return;
    }
    const reference = parseImageReference(vector.input);
    expect(formatImageReference(reference)).toBe(vector.input);
    expect(reference.repository).toBe(vector.repository);
    expect(domainOf(reference.repository)).toBe(vector.domain ?? '');
    expect(reference.tag).toBe(vector.tag);
    expect(reference.digest).toBe(vector.digest);
  });
});

describe('the rest of the image kernel', () => {
  const digest = `sha256:${'0123456789ab'.repeat(5)}cdef`;

  it('splits a tag, a digest or both after a repository; a sha256 digest alone is a digest', () => {
    expect(splitTagAndDigest('v0.7.0')).toEqual({ tag: 'v0.7.0' });
    expect(splitTagAndDigest(digest)).toEqual({ digest });
    expect(splitTagAndDigest(`v0.7.0@${digest}`)).toEqual({ tag: 'v0.7.0', digest });
    expect(splitTagAndDigest('sha256:12')).toEqual({ tag: 'sha256:12' });
  });

  it('compares repository, tag and digest, an absent part equal only to an absent one', () => {
    const image = { repository: 'localhost:5000/x', tag: '1' };
    expect(sameImageReference(image, parseImageReference('localhost:5000/x:1'))).toBe(true);
    expect(sameImageReference(image, { ...image, digest })).toBe(false);
    expect(sameImageReference(image, { ...image, tag: '2' })).toBe(false);
    expect(sameImageReference(image, { repository: 'localhost:5001/x', tag: '1' })).toBe(false);
  });

  it('shortens only the digest of a reference, and leaves what is not one alone', () => {
    expect(shortImageReference(`localhost:5000/x:1@${digest}`)).toBe('localhost:5000/x:1@sha256:0123456789ab');
    expect(shortImageReference('localhost:5000/x:1')).toBe('localhost:5000/x:1');
    expect(shortImageReference('not a reference')).toBe('not a reference');
  });

  it('refuses a reference too long to be one without running the patterns on it', () => {
    expect(() => parseImageReference(`${'a'.repeat(5000)}:1`)).toThrow(ErrReferenceInvalidFormat);
  });
});
