/** `hivebox-gitops metrics` (its options and the definitions it prints: usage/metrics.ts). */
import { loadEnvironments } from '../config/load.ts';
import { selectEnvironments } from '../config/select.ts';
import { ExitCode, UsageError } from '../errors.ts';
import { computeMetrics, promotionChain, windowBounds, type Window } from '../metrics/compute.ts';
import { formatJson, formatMarkdown, formatText } from '../metrics/format.ts';
import { readHistory, shallowBoundary } from '../metrics/history.ts';
import type { CommandContext } from './context.ts';
import type { FlagValues } from './flags.ts';
import { DEFAULT_DAYS, type usage } from './usage/metrics.ts';

export async function run(values: FlagValues<typeof usage>, context: CommandContext): Promise<number> {
  const format = values.format;
  const until = values.until !== undefined ? checkDate('--until', values.until) : today();
  const since = values.since !== undefined ? checkDate('--since', values.since) : addDays(until, -(DEFAULT_DAYS - 1));
  if (since > until)
    throw new UsageError(`--since ${since} is after --until ${until}; expected a window whose first day is not after its last`);
  const window: Window = { since, until };

  const environments = loadEnvironments(context.cwd);
  const names = environments.map((env) => env.name);
  const selected = selectEnvironments(names, values.env);

  const history = await readHistory(context.cwd, names);
  if (history.shallow) {
    const boundary = await shallowBoundary(context.cwd);
    if (boundary === undefined || boundary >= windowBounds(window).start) {
      throw new UsageError(
        `this is a shallow clone whose history does not reach back to --since ${since}; deepen it with: git fetch --shallow-since=${addDays(since, -1)} (or git fetch --unshallow)`,
      );
    }
  }
  const chain = promotionChain(environments);
  const metrics = computeMetrics(history, chain, selected, window);
  context.stdout.write(
    format === 'json' ? formatJson(metrics) : format === 'markdown' ? formatMarkdown(metrics, chain) : formatText(metrics, chain),
  );
  return ExitCode.Clean;
}

function checkDate(flag: string, value: string): string {
  const parsed = Date.parse(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== value) {
    throw new UsageError(`${flag} "${value}": expected a calendar date YYYY-MM-DD, such as 2026-01-31`);
  }
  return value;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
