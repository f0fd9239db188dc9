/**
 * Synth reads and writes only inside the repository. A symbolic link on the way to a file
 * (an env folder, env.yaml, a generated folder linked elsewhere) could take a read or a write
 * outside it: such a path is refused, naming the link, never the content behind it.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { InputError } from '../errors.ts';

/** Whether `path` (absolute) is `root` or lies below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/**
 * Throws an InputError when a component of `path` (repository-relative, posix) is a symbolic
 * link that leads outside `root` or nowhere. Components that do not exist yet are fine: synth
 * creates them as plain folders and files.
 */
export function assertInsideRepository(root: string, path: string): void {
  const realRoot = realpathSync(root);
  let current = root;
  const parts = path.split('/');
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch {
      return; // absent from here on
    }
    if (!isLink) continue;
    const link = parts.slice(0, index + 1).join('/');
    let target: string;
    try {
      target = realpathSync(current);
    } catch {
      throw new InputError(link, '', 'expected a file or folder inside the repository; it is a symbolic link to nothing');
    }
    if (!isInside(realRoot, target)) {
      throw new InputError(
        link,
        '',
        'expected a file or folder inside the repository; it is a symbolic link that leads outside it, which synth neither reads nor writes',
      );
    }
  }
}

/**
 * An environment's settings file as synth may read it: inside the repository, and, if a
 * symbolic link, one to another env.yaml (never to a file whose content an error could echo).
 */
export function assertEnvFileReadable(root: string, path: string): void {
  assertInsideRepository(root, path);
  const absolute = join(root, path);
  let isLink = false;
  try {
    isLink = lstatSync(absolute).isSymbolicLink();
  } catch {
    return;
  }
  if (isLink && basename(realpathSync(absolute)) !== basename(path)) {
    throw new InputError(
      path,
      '',
      `expected an environment's settings file; it is a symbolic link to a file not named ${basename(path)}, which synth does not read`,
    );
  }
}
