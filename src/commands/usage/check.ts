/** `hivebox-gitops check`: its summary, options and examples (src/commands/flags.ts reads them). */
import { describeCommand } from '../flags.ts';

export const usage = describeCommand({
  name: 'check',
  summary: 'the pull-request check in one process: synth --check, validate and (with --base) diff',
  description: `Runs what CI asks of a pull request, sharing one render of each overlay:
  1. synth --check   the generated files match env.yaml and the constructs
  2. validate        schemas, security, reliability, parity (as hivebox-gitops validate)
  3. diff            what the change does to each environment, against --base

It prints one line per step first (passed, failed, skipped and why), then what failed
(the stale files, each finding with its fix), then the diff's summary table, and its
verdict as the last line.`,
  options: {
    base: { type: 'string', value: 'ref', description: 'compare with this ref (without it, the diff is skipped)' },
    env: { type: 'string', multiple: true, value: 'name', description: 'only this environment' },
    sarif: { type: 'string', value: 'file', description: "also write validate's report as SARIF 2.1.0" },
    markdown: { type: 'string', value: 'file', description: 'also write the full diff as a pull-request comment (needs --base)' },
    verbose: { type: 'boolean', description: "print validate's whole report and the full diff, not only the summary" },
  },
  examples: [
    { command: 'check --base origin/main', what: 'what CI checks on a pull request into main' },
    {
      command: 'check --base origin/main --sarif validate.sarif --markdown diff.md',
      what: 'the same, with the files CI uploads and comments',
    },
  ],
  exitStatus: `0 clean, 1 stale generated files or validation findings (a diff is
information, not a failure), 2 bad input or usage.`,
});
