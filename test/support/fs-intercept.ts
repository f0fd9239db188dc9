/**
 * Intercepts node:fs functions for the length of an action, so a test can see what a command
 * touches or make the file system fail (a full disk, a read-only folder, an immutable file)
 * where a real one cannot be had (the tests run as root, which chmod does not stop).
 * Modules import node:fs by name; syncBuiltinESMExports() makes those bindings follow.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

type Fs = Record<string, (...args: unknown[]) => unknown>;

/** Runs `action` with each named function of node:fs replaced by `intercept(name, args, original)`. */
export async function interceptFs<T>(
  names: readonly string[],
  intercept: (name: string, args: unknown[], original: (...args: unknown[]) => unknown) => unknown,
  action: () => Promise<T>,
): Promise<T> {
  const target = fs as unknown as Fs;
  const originals = new Map(names.map((name) => [name, target[name]!] as const));
  // Only the calls the code makes: one node:fs makes inside another (rmSync's unlinkSync, on
  // some versions) goes straight through, so counts do not depend on node's internals.
  let depth = 0;
  for (const [name, original] of originals) {
    target[name] = (...args: unknown[]) => {
      if (depth > 0) return original(...args);
      depth++;
      try {
        return intercept(name, args, original);
      } finally {
        depth--;
      }
    };
  }
  syncBuiltinESMExports();
  try {
    return await action();
  } finally {
    for (const [name, original] of originals) target[name] = original;
    syncBuiltinESMExports();
  }
}

/** The functions that change the disk. */
export const WRITES = [
  'writeFileSync',
  'renameSync',
  'rmSync',
  'copyFileSync',
  'mkdirSync',
  'linkSync',
  'rmdirSync',
  'unlinkSync',
] as const;

/** An error as node:fs throws it. */
export function fsError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
}

/**
 * Runs `action` with every disk-changing call for which `fails(name, path)` returns an error
 * code failing with it, before it changes anything.
 */
export function withFsFault<T>(
  fails: (name: string, path: string, dest?: string) => string | undefined,
  action: () => Promise<T>,
): Promise<T> {
  return interceptFs(
    WRITES,
    (name, args, original) => {
      const path = String(args[0]);
      const code = fails(name, path, typeof args[1] === 'string' ? args[1] : undefined);
      if (code) throw fsError(code, name.replace(/Sync$/, ''), path);
      return original(...args);
    },
    action,
  );
}
