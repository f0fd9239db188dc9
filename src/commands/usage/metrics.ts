/** `hivebox-gitops metrics`: its summary, options and examples (src/commands/flags.ts reads them). */
import { describeCommand } from '../flags.ts';

/** The window without --since: this many days, through --until. */
export const DEFAULT_DAYS = 28;

export const usage = describeCommand({
  name: 'metrics',
  summary: 'DORA metrics from the first-parent Git history: deployment frequency, lead time, change failure rate, time to restore',
  description: `The four DORA metrics from the first-parent history of the current branch (committer
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
Text and markdown add the DORA performance band (Accelerate State of DevOps 2023).`,
  options: {
    since: {
      type: 'string',
      value: 'YYYY-MM-DD',
      description: `the first day counted, 00:00 UTC (default: ${DEFAULT_DAYS - 1} days before --until)`,
    },
    until: { type: 'string', value: 'YYYY-MM-DD', description: 'the last day counted, through 24:00 UTC (default: today)' },
    env: { type: 'string', multiple: true, value: 'name', description: 'deployment frequency of this environment only' },
    format: { type: 'string', choices: ['text', 'markdown', 'json'], default: 'text', description: 'text, markdown (for a retro) or json' },
  },
  examples: [
    { command: 'metrics', what: `the last ${DEFAULT_DAYS} days, through today` },
    { command: 'metrics --since 2026-01-01 --until 2026-03-31 --format markdown', what: 'a quarter, as a table for the retro' },
  ],
  exitStatus: `0 reported, 2 bad input (unknown environment, invalid date, --since after
--until, a shallow clone without the window's history).`,
});
