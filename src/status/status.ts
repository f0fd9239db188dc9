/**
 * What runs where: each environment's Application `hivebox-<env>` as Argo CD
 * reports it, next to what Git wants. Optionally waits, through a watch, until
 * every environment is Synced and Healthy.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Environment } from '../config/environment.ts';
import { applicationName, environmentStatus, isSettled, type Application, type EnvironmentStatus } from './application.ts';
import type { ArgoCdApplications } from './cluster.ts';

const RELIST_PAUSE_MS = 1_000;

export function statusRows(environments: readonly Environment[], applications: ReadonlyMap<string, Application>): EnvironmentStatus[] {
  return inPromotionOrder(environments).map((env) => environmentStatus(env, applications.get(applicationName(env))));
}

/** dev, staging, prod: by the length of the promotesFrom chain, then by name. */
export function inPromotionOrder(environments: readonly Environment[]): Environment[] {
  const depth = (env: Environment): number => {
    let steps = 0;
    for (let from = env.promotesFrom; from !== undefined && steps < environments.length; steps++) {
      from = environments.find((e) => e.name === from)?.promotesFrom;
    }
    return steps;
  };
  return [...environments].sort((a, b) => depth(a) - depth(b) || a.name.localeCompare(b.name));
}

export async function readStatus(environments: readonly Environment[], client: ArgoCdApplications): Promise<EnvironmentStatus[]> {
  return statusRows(environments, (await client.list()).items);
}

/**
 * Lists, then watches from the list's resourceVersion until every environment
 * is settled or the timeout passes. A watch the server ends (they time out) or
 * one whose version expired (410) is resumed from a fresh list.
 */
export async function waitUntilSettled(
  environments: readonly Environment[],
  client: ArgoCdApplications,
  timeoutMs: number,
): Promise<{ rows: EnvironmentStatus[]; settled: boolean }> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  const settled = (items: ReadonlyMap<string, Application>) => statusRows(environments, items).every(isSettled);
  try {
    let items = new Map<string, Application>();
    while (!stop.signal.aborted) {
      const snapshot = await client.list();
      items = new Map(snapshot.items);
      if (settled(items)) break;
      const started = Date.now();
      const { expired } = await client.watch(
        snapshot.resourceVersion,
        ({ type, application }) => {
          const name = application.metadata?.name;
          if (!name) return;
          if (type === 'DELETED') items.delete(name);
          else items.set(name, application);
          if (settled(items)) stop.abort();
        },
        stop.signal,
      );
      // A watch the server ends at once, again and again, must not become a busy loop of lists.
      if (!expired && !stop.signal.aborted && Date.now() - started < RELIST_PAUSE_MS) {
        await delay(RELIST_PAUSE_MS, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    }
    const rows = statusRows(environments, items);
    return { rows, settled: rows.every(isSettled) };
  } finally {
    clearTimeout(timer);
  }
}
