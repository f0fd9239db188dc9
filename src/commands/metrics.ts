/**
 * `hivebox-gitops metrics [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--env <name>…] [--format text|markdown|json]`
 *
 * The options are declared once, below: the parser reads their types, --help their descriptions.
 */
import { loadEnvironments } from '../config/load.ts';
import { selectEnvironments } from '../config/select.ts';
import { ExitCode, UsageError } from '../errors.ts';
import { computeMetrics, promotionChain, windowBounds, type Window } from '../metrics/compute.ts';
import { formatJson, formatMarkdown, formatText } from '../metrics/format.ts';
import { readHistory, shallowBoundary } from '../metrics/history.ts';
import type { CommandContext } from './context.ts';
import { parseFlags } from './flags.ts';

const FORMATS = ['text', 'markdown', 'json'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_DAYS = 28;

const OPTIONS = {
  since: { type: 'string', arg: '<YYYY-MM-DD>', description: `the first day counted, 00:00 UTC (default: ${DEFAULT_DAYS - 1} days before --until)` },
  until: { type: 'string', arg: '<YYYY-MM-DD>', description: 'the last day counted, through 24:00 UTC (default: today)' },
  env: { type: 'string', multiple: true, arg: '<name>', description: 'deployment frequency of this environment only (repeatable)' },
  format: { type: 'string', default: 'text', arg: '<format>', description: 'text (default), markdown (for a retro) or json' },
} as const;

const HELP = `Usage: hivebox-gitops metrics [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--env <name>]... [--format text|markdown|json]

The four DORA metrics from the first-parent history of the current branch (committer
dates, UTC); no cluster needed. The promotion chain is read from promotesFrom (e.g.
dev → staging → prod: first and last environment).

  deployment       a commit that changes what an environment runs: a change under
                   envs/<env>/ (its env.yaml included) or base/. Rollbacks count too.
  frequency        deployments per environment in the window, and per week.
  lead time        per image (by digest, else by tag): from the commit that first put it
                   into the first environment to the commit that put it into the last;
                   median, p90 (nearest rank) and count, in hours.
  change failure   of the last environment: the share of its forward image deployments
  rate             (to an image it never ran) that were followed by a rollback - the next
                   image change returns it to an image it ran before, or is a git revert
                   of the deployment commit.
  time to restore  from a failed deployment commit to its rollback; median and count, hours.

Lead time, change failure rate and time to restore count the deployments to the last
environment inside the window; history after --until is ignored (a rollback must come
by then). The commit that creates an environment is a deployment, not an image change.
null in JSON where there is no data.
Text and markdown add the DORA performance band (Accelerate State of DevOps 2023).

Options:
${Object.entries(OPTIONS)
  .map(([name, option]) => `  ${`--${name} ${option.arg}`.padEnd(26)}${option.description}`)
  .join('\n')}
  ${'-h, --help'.padEnd(26)}show this help

Exit codes: 0 reported, 2 bad input (unknown environment, invalid date, --since after
--until, a shallow clone without the window's history).
`;

export async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const values = parseFlags('metrics', args, parserOptions());
  if (values.help) {
    context.stdout.write(HELP);
    return ExitCode.Clean;
  }
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format "${values.format}": expected one of ${FORMATS.join(', ')}`);
  const until = values.until !== undefined ? checkDate('--until', values.until) : today();
  const since = values.since !== undefined ? checkDate('--since', values.since) : addDays(until, -(DEFAULT_DAYS - 1));
  if (since > until) throw new UsageError(`--since ${since} is after --until ${until}; expected a window whose first day is not after its last`);
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
  context.stdout.write(format === 'json' ? formatJson(metrics) : format === 'markdown' ? formatMarkdown(metrics, chain) : formatText(metrics, chain));
  return ExitCode.Clean;
}

function parserOptions() {
  const { since, until, env, format } = OPTIONS;
  return {
    since: { type: since.type },
    until: { type: until.type },
    env: { type: env.type, multiple: env.multiple },
    format: { type: format.type, default: format.default },
  } as const;
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
