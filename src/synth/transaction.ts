/**
 * Applying a plan all or nothing, even when the process is killed.
 *
 * A file system renames one file atomically, never a set. So synth applies a set in two phases,
 * in a work folder of its own inside the repository (WORK_DIR, git-ignored, on the same file
 * system as the targets so that every rename is atomic):
 *   1. prepare: every new content is written to txn/new-<n> and every file about to be replaced
 *      or removed is copied to txn/old-<n>; then txn/journal.json is renamed into place. That
 *      rename is the commit point: before it, the tree is untouched and the work folder is
 *      scrap; after it, the journal holds everything needed to finish.
 *   2. apply: each staged file is renamed onto its target, each removed file deleted; then the
 *      journal is deleted and the work folder with it.
 * A run killed in phase 1 leaves the old tree (the next run deletes the scrap); one killed in
 * phase 2 leaves a journal that the next synth completes before it does anything else. A
 * failure inside phase 2 (an immutable file, a full disk) rolls the applied part back from the
 * copies, so the tree is the old one again, and reports the file.
 *
 * One synth at a time: WORK_DIR/lock names the holder's pid; a lock whose process is gone
 * (killed) is taken over.
 */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { InputError } from '../errors.ts';

/** Synth's work folder, relative to the repository root (git-ignored by `.hivebox-*\/`). */
export const WORK_DIR = '.hivebox-synth';
const TXN = `${WORK_DIR}/txn`;
const JOURNAL = `${TXN}/journal.json`;
const LOCK = `${WORK_DIR}/lock`;

/** One file of a set: written (staged holds the new content) or removed (no staged). */
interface Entry {
  /** Repository-relative target. */
  readonly path: string;
  /** txn/ name of the new content; absent for a removal. */
  readonly staged?: string;
  /** txn/ name of the copy of what was there; absent when the file is new. */
  readonly backup?: string;
}

export interface ChangeSet {
  /** Repository-relative path → new content, for every file added or changed. */
  readonly write: ReadonlyMap<string, string>;
  /** Repository-relative paths to delete. */
  readonly remove: readonly string[];
}

/** Runs `body` holding the repository's synth lock; throws an InputError naming the holder if another synth has it. */
export function withSynthLock<T>(root: string, body: () => T): T {
  const release = acquireLock(root);
  try {
    return body();
  } finally {
    release();
  }
}

/**
 * Finishes what a killed synth left: completes a committed journal, deletes uncommitted scrap.
 * Call holding the lock. Returns whether a journal was completed.
 */
export function recover(root: string): boolean {
  removeDeadLockFiles(root);
  const txn = join(root, TXN);
  if (!existsSync(txn)) return false;
  const journal = readJournal(root);
  if (journal) {
    try {
      applyEntries(root, journal);
    } catch (error) {
      // Cannot complete it (the cause that stopped it may still be there): back to the old tree.
      rollBack(root, journal);
      rmSync(txn, { recursive: true, force: true });
      throw error;
    }
  }
  rmSync(txn, { recursive: true, force: true });
  return journal !== undefined;
}

/** Whether a killed synth left a journal that a synth (not --check) has to complete. */
export function pendingJournal(root: string): string | undefined {
  return existsSync(join(root, JOURNAL)) ? JOURNAL : undefined;
}

/** Applies `changes` all or nothing (see the top of this file). Call holding the lock, after recover(). */
export function applyAtomically(root: string, changes: ChangeSet): void {
  const txn = join(root, TXN);
  const entries: Entry[] = [];
  let current: string | undefined;
  try {
    mkdirSync(txn, { recursive: true });
    for (const [path, content] of changes.write) {
      current = path;
      const index = entries.length;
      const target = join(root, path);
      const backup = existsSync(target) ? `old-${index}` : undefined;
      if (backup) copyFileSync(target, join(txn, backup));
      writeFileSync(join(txn, `new-${index}`), content);
      entries.push({ path, staged: `new-${index}`, ...(backup ? { backup } : {}) });
    }
    for (const path of changes.remove) {
      current = path;
      const backup = `old-${entries.length}`;
      copyFileSync(join(root, path), join(txn, backup));
      entries.push({ path, backup });
    }
    current = undefined;
    writeFileSync(join(txn, 'journal.partial'), JSON.stringify(entries));
    renameSync(join(txn, 'journal.partial'), join(root, JOURNAL));
  } catch (error) {
    rmSync(txn, { recursive: true, force: true });
    throw writeFailure(root, error, current);
  }
  try {
    applyEntries(root, entries);
  } catch (error) {
    const failure = writeFailure(root, error);
    try {
      rollBack(root, entries);
    } catch {
      throw new InputError(
        failure.file,
        '',
        `${failure.problem}; rolling back failed too: the next \`npm run synth\` completes the set from ${JOURNAL}`,
      );
    }
    rmSync(txn, { recursive: true, force: true });
    throw failure;
  }
  rmSync(join(root, JOURNAL));
  rmSync(txn, { recursive: true, force: true });
}

/** Phase 2, also used to complete a journal: idempotent, so a run killed here can run it again. */
function applyEntries(root: string, entries: readonly Entry[]): void {
  const txn = join(root, TXN);
  for (const entry of entries) {
    const target = join(root, entry.path);
    try {
      if (entry.staged) {
        const staged = join(txn, entry.staged);
        if (!existsSync(staged)) continue; // already renamed into place
        mkdirSync(dirname(target), { recursive: true });
        renameSync(staged, target);
      } else {
        rmSync(target, { force: true });
        removeEmptyParents(root, dirname(entry.path));
      }
    } catch (error) {
      throw writeFailure(root, error, entry.path);
    }
  }
}

/** Undoes applyEntries from the copies: every target as it was before phase 2. */
function rollBack(root: string, entries: readonly Entry[]): void {
  const txn = join(root, TXN);
  for (const entry of [...entries].reverse()) {
    const target = join(root, entry.path);
    const applied = entry.staged ? !existsSync(join(txn, entry.staged)) : !existsSync(target);
    if (!applied) continue;
    if (entry.backup) {
      mkdirSync(dirname(target), { recursive: true });
      renameSync(join(txn, entry.backup), target);
    } else {
      rmSync(target, { force: true });
      removeEmptyParents(root, dirname(entry.path));
    }
  }
}

function readJournal(root: string): Entry[] | undefined {
  try {
    return JSON.parse(readFileSync(join(root, JOURNAL), 'utf8')) as Entry[];
  } catch {
    return undefined; // no journal: the run was killed before its commit point
  }
}

export function removeEmptyParents(root: string, dir: string): void {
  // Stop below the top folder: an emptied envs/ or base/ stays.
  while (dir.includes('/')) {
    const absolute = join(root, dir);
    if (!existsSync(absolute) || readdirSync(absolute).length > 0) return;
    rmdirSync(absolute);
    dir = dirname(dir);
  }
}

/** A file-system error as one line naming the file (repository-relative) and saying nothing changed. */
function writeFailure(root: string, error: unknown, file?: string): InputError {
  if (error instanceof InputError) return error;
  const { code, path } = error as NodeJS.ErrnoException;
  if (!code) throw error;
  const named = file ?? (path ? relative(root, path) : WORK_DIR);
  const shown = named.startsWith(`${TXN}/`) || named === TXN ? WORK_DIR : named;
  return new InputError(shown, '', `could not write (${code}: ${describeCode(code)}); nothing was changed`);
}

const CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted (an immutable file, or not yours)',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is a file, not a folder',
  EISDIR: 'it is a folder',
  EBUSY: 'the file is busy',
};

export function describeCode(code: string): string {
  return CODES[code] ?? 'file-system error';
}

/** The lock: a file created whole (linked from a private temp file), holding who took it. */
function acquireLock(root: string): () => void {
  const work = join(root, WORK_DIR);
  const lock = join(root, LOCK);
  const holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const mine = join(work, `lock.${process.pid}`);
  for (let attempt = 1; ; attempt++) {
    try {
      mkdirSync(work, { recursive: true });
      writeFileSync(mine, JSON.stringify(holder));
      break;
    } catch (error) {
      // ENOENT: a synth finishing removed the (then empty) work folder in between; make it again.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && attempt < 3) continue;
      rmSync(mine, { force: true });
      throw writeFailure(root, error);
    }
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, lock);
        return () => {
          rmSync(lock, { force: true });
          try {
            rmdirSync(work); // only if empty: a journal left for recovery stays
          } catch {
            // not empty
          }
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw writeFailure(root, error);
      }
      const seen = readHolder(lock);
      if (seen && isAlive(seen)) {
        throw new InputError(
          LOCK,
          '',
          `another synth (pid ${seen.pid} on ${seen.host}, since ${seen.since}) is writing this repository; wait for it to finish, or delete the lock if that process is gone`,
        );
      }
      takeOverStale(lock, seen);
    }
    throw new InputError(LOCK, '', 'could not take the synth lock: other synths keep taking it; try again');
  } finally {
    rmSync(mine, { force: true });
  }
}

/** The private lock files (lock.<pid>, lock.stale-<pid>) of synths killed while taking the lock. */
function removeDeadLockFiles(root: string): void {
  for (const name of readdirSync(join(root, WORK_DIR))) {
    const pid = /^lock\.(?:stale-)?(\d+)$/.exec(name)?.[1];
    if (pid && !isAlive({ pid: Number(pid), host: hostname(), since: '' })) rmSync(join(root, WORK_DIR, name), { force: true });
  }
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

function readHolder(lock: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(lock, 'utf8')) as Holder;
    return Number.isInteger(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** A holder on this host is alive while its pid is; one on another host cannot be checked from here. */
function isAlive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves a dead holder's lock aside; if what was moved is not the lock judged stale (another synth took over meanwhile), puts it back. */
function takeOverStale(lock: string, seen: Holder | undefined): void {
  const aside = `${lock}.stale-${process.pid}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // gone already: someone else took it over; retry
  }
  const moved = readHolder(aside);
  if (moved && seen && moved.pid !== seen.pid) {
    try {
      linkSync(aside, lock);
    } catch {
      // a third synth got there; it holds the lock now
    }
  }
  rmSync(aside, { force: true });
}
