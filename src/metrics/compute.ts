/**
 * The four DORA metrics from the first-parent history (see README "Metrics" for
 * the definitions, which `metrics --help` repeats). Pure: history in, figures out.
 */
import type { History, Image } from './history.ts';

export interface Window {
  /** YYYY-MM-DD, the first day counted (00:00 UTC). */
  readonly since: string;
  /** YYYY-MM-DD, the last day counted (until 24:00 UTC). */
  readonly until: string;
}

export interface Metrics {
  readonly window: Window;
  readonly environments: Record<string, { readonly deployments: number; readonly perWeek: number }>;
  readonly leadTimeHours: { readonly median: number | null; readonly p90: number | null; readonly count: number };
  readonly changeFailureRate: number | null;
  readonly timeToRestoreHours: { readonly median: number | null; readonly count: number };
}

export interface PromotionChain {
  readonly first: string;
  readonly last: string;
}

const DAY = 86_400;

/** Seconds since the epoch of a window's start (inclusive) and end (exclusive). */
export function windowBounds(window: Window): { readonly start: number; readonly end: number } {
  return { start: Date.parse(`${window.since}T00:00:00Z`) / 1000, end: Date.parse(`${window.until}T00:00:00Z`) / 1000 + DAY };
}

/**
 * The promotion chain lead time and change failure rate are measured on: its last
 * environment is the one at the end of the longest promotesFrom chain (ties: by
 * name), its first the environment that chain starts from.
 */
export function promotionChain(
  environments: readonly { readonly name: string; readonly promotesFrom?: string | undefined }[],
): PromotionChain {
  const from = new Map(environments.map((env) => [env.name, env.promotesFrom]));
  let best: { first: string; last: string; length: number } | undefined;
  for (const env of [...environments].sort((a, b) => a.name.localeCompare(b.name))) {
    const seen = [env.name];
    let current = env.promotesFrom;
    while (current !== undefined && from.has(current) && !seen.includes(current)) {
      seen.push(current);
      current = from.get(current);
    }
    if (!best || seen.length > best.length) best = { first: seen[seen.length - 1]!, last: env.name, length: seen.length };
  }
  return { first: best?.first ?? '', last: best?.last ?? '' };
}

/** How an image is known across environments: its digest, else its tag. */
export function imageKey(image: Image): string {
  return image.digest ?? `tag:${image.tag ?? ''}`;
}

interface ForwardDeployment {
  readonly sha: string;
  readonly time: number;
  /** Its position in the history: images the environment first ran before it are older ones. */
  readonly index: number;
  restoredAt?: number;
}

export function computeMetrics(history: History, chain: PromotionChain, environments: readonly string[], window: Window): Metrics {
  const { start, end } = windowBounds(window);
  const inWindow = (time: number) => time >= start && time < end;

  const deployments = new Map(environments.map((env) => [env, 0]));
  // When each image first entered the first environment, by digest and by tag.
  const enteredFirst = new Map<string, number>();
  const current = new Map<string, string>();
  const ran = new Map<string, number>(); // every image the last environment ran → when it first did (commit index)
  const forward: ForwardDeployment[] = [];
  const leadTimes: number[] = [];
  let pending: ForwardDeployment | undefined;

  for (const [index, commit] of history.commits.entries()) {
    if (commit.time >= end) continue; // the metrics as of --until
    if (inWindow(commit.time)) for (const env of commit.deploys) if (deployments.has(env)) deployments.set(env, deployments.get(env)! + 1);

    const firstImage = commit.images.get(chain.first);
    if (firstImage) {
      if (firstImage.digest && !enteredFirst.has(firstImage.digest)) enteredFirst.set(firstImage.digest, commit.time);
      if (firstImage.tag && !enteredFirst.has(`tag:${firstImage.tag}`)) enteredFirst.set(`tag:${firstImage.tag}`, commit.time);
    }

    if (!commit.images.has(chain.last)) continue;
    const image = commit.images.get(chain.last);
    const key = image ? imageKey(image) : undefined;
    const previous = current.get(chain.last);
    if (key === undefined || key === previous) continue;
    current.set(chain.last, key);
    if (previous === undefined) {
      ran.set(key, index); // the environment's first image: its creation, no image change
      continue;
    }
    // The change that follows a forward deployment decides whether it failed.
    if (pending) {
      const reverted = commit.reverts !== undefined && pending.sha.startsWith(commit.reverts);
      const ranBefore = (ran.get(key) ?? Infinity) < pending.index;
      if (reverted || ranBefore) pending.restoredAt = commit.time;
      pending = undefined;
    }
    if (!ran.has(key)) {
      const deployment: ForwardDeployment = { sha: commit.sha, time: commit.time, index };
      forward.push(deployment);
      pending = deployment;
      if (inWindow(commit.time)) {
        const entered =
          (image!.digest !== undefined ? enteredFirst.get(image!.digest) : undefined) ?? enteredFirst.get(`tag:${image!.tag ?? ''}`);
        if (entered !== undefined && entered <= commit.time) leadTimes.push((commit.time - entered) / 3600);
      }
      ran.set(key, index);
    }
  }

  const counted = forward.filter((deployment) => inWindow(deployment.time));
  const failed = counted.filter((deployment) => deployment.restoredAt !== undefined);
  const restoreTimes = failed.map((deployment) => (deployment.restoredAt! - deployment.time) / 3600);
  const weeks = (end - start) / DAY / 7;
  return {
    window: { since: window.since, until: window.until },
    environments: Object.fromEntries([...deployments].map(([env, count]) => [env, { deployments: count, perWeek: round(count / weeks) }])),
    leadTimeHours: { median: median(leadTimes), p90: percentile(leadTimes, 0.9), count: leadTimes.length },
    changeFailureRate: counted.length === 0 ? null : round(failed.length / counted.length, 4),
    timeToRestoreHours: { median: median(restoreTimes), count: restoreTimes.length },
  };
}

/** The median (the mean of the two middle values for an even count), or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return round(sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2);
}

/** The nearest-rank percentile: the smallest value at least `share` of the values are not above. */
export function percentile(values: readonly number[], share: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)]!);
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
