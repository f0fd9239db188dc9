/**
 * Where Argo CD pulls this repository from. It comes from package.json's
 * `repository.url`, so a fork changes one line and every Application follows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';

export interface RepositoryInfo {
  /** The Git URL Argo CD clones (https, ending in .git). */
  readonly url: string;
  /** The branch Argo CD follows. */
  readonly revision: string;
}

export function repositoryInfo(root: string): RepositoryInfo {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    repository?: { url?: string } | string;
  };
  const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!raw || !/^https:\/\/[^\s]+\.git$/.test(raw.replace(/^git\+/, ''))) {
    throw new InputError('package.json', 'repository.url', 'expected the https Git URL of this repository, ending in .git');
  }
  return { url: raw.replace(/^git\+/, ''), revision: 'main' };
}
