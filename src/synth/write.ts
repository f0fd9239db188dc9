/**
 * Compares a plan with the disk and applies it. Applying is all or nothing as
 * far as a file system allows: every new file is first written beside its
 * target, and only when all of them exist are they renamed into place.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isGeneratedFile } from './header.ts';
import { isHandWritten } from './roots.ts';

export interface Changes {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

export function isEmpty(changes: Changes): boolean {
  return changes.added.length + changes.changed.length + changes.removed.length === 0;
}

/** What applying `files` would do under `roots`: generated files not in the plan are removed. */
export function compareWithDisk(root: string, roots: readonly string[], files: ReadonlyMap<string, string>): Changes {
  const added: string[] = [];
  const changed: string[] = [];
  for (const [path, content] of files) {
    const absolute = join(root, path);
    if (!existsSync(absolute)) added.push(path);
    else if (readFileSync(absolute, 'utf8') !== content) changed.push(path);
  }
  const removed = roots
    .flatMap((dir) => generatedFilesUnder(root, dir))
    .filter((path) => !files.has(path))
    .sort();
  return { added, changed, removed };
}

export function applyChanges(root: string, files: ReadonlyMap<string, string>, changes: Changes): void {
  const staged: { temp: string; target: string }[] = [];
  try {
    for (const path of [...changes.added, ...changes.changed]) {
      const target = join(root, path);
      mkdirSync(dirname(target), { recursive: true });
      const temp = `${target}.synth-${process.pid}.tmp`;
      writeFileSync(temp, files.get(path)!);
      staged.push({ temp, target });
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
  for (const { temp, target } of staged) renameSync(temp, target);
  for (const path of changes.removed) {
    rmSync(join(root, path));
    removeEmptyParents(root, dirname(path));
  }
}

function generatedFilesUnder(root: string, dir: string): string[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    // A hand-written Component is never synth's, whatever its files say at the top.
    if (isHandWritten(path)) return [];
    if (entry.isDirectory()) return generatedFilesUnder(root, path);
    return entry.isFile() && isGeneratedFile(readFileSync(join(root, path), 'utf8')) ? [path] : [];
  });
}

function removeEmptyParents(root: string, dir: string): void {
  // Stop below the top folder: an emptied envs/ or base/ stays.
  while (dir.includes('/')) {
    const absolute = join(root, dir);
    if (!existsSync(absolute) || readdirSync(absolute).length > 0) return;
    rmdirSync(absolute);
    dir = dirname(dir);
  }
}
