/**
 * Rewrites the `image:` of an env.yaml in place through the yaml Document API,
 * so the comments, key order and quoting a person wrote survive a promotion
 * and the diff shows only the lines that moved.
 */
import { parseDocument } from 'yaml';
import { DEFAULT_IMAGE_REPOSITORY } from '../config/schema.ts';
import type { ImageReference } from '../kube/image.ts';

export function setImage(text: string, image: ImageReference): string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw doc.errors[0]!;
  const written = doc.getIn(['image', 'repository']);
  // Only write the repository when it differs from what the file resolves to now;
  // a file relying on the default keeps relying on it.
  const current = typeof written === 'string' ? written : DEFAULT_IMAGE_REPOSITORY;
  if (current !== image.repository) doc.setIn(['image', 'repository'], image.repository);
  for (const key of ['tag', 'digest'] as const) {
    const value = image[key];
    if (value === undefined) doc.deleteIn(['image', key]);
    else doc.setIn(['image', key], value);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
