/**
 * Removes a test's temporary folders without holding up the next test. Removing a copied
 * repository (a few hundred files) is mostly waiting on the disk; started in the background
 * (libuv's thread pool), that wait overlaps the next test's work. The calling file's afterAll
 * waits for every removal and fails on any that failed, so nothing is left behind unnoticed.
 */
import { rm } from 'node:fs/promises';
import { afterAll } from 'vitest';

export function removeLater(): (dir: string) => void {
  const pending: Promise<unknown>[] = [];
  afterAll(async () => {
    const failed = (await Promise.allSettled(pending.splice(0))).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return (dir) => {
    const removal = rm(dir, { recursive: true, force: true });
    removal.catch(() => undefined); // reported by afterAll, not as an unhandled rejection
    pending.push(removal);
  };
}
