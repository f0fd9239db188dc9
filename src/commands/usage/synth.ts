/** `hivebox-gitops synth`: its summary, options and examples (src/commands/flags.ts reads them). */
import { describeCommand } from '../flags.ts';

export const usage = describeCommand({
  name: 'synth',
  summary: 'render envs/*/env.yaml into base/, envs/<env>/ and argocd/ (--check: write nothing, exit 1 if stale)',
  description: `Renders every envs/<env>/env.yaml through the constructs in src/ into base/,
envs/<env>/ (kustomization.yaml, patches/, sources.yaml), argocd/, envs/env.schema.json
and docs/architecture.md, all at once or not at all.`,
  options: {
    check: {
      type: 'boolean',
      description: 'write nothing; list every file that would be added, changed or\nremoved and exit 1 if there is one (CI runs this)',
    },
  },
  examples: [
    { command: 'synth', what: 'after editing an env.yaml or a construct: write what changed, then commit it' },
    { command: 'synth --check', what: 'what CI runs: are the committed files what the code renders?' },
  ],
  exitStatus: '0 written (or, with --check, up to date), 1 (--check) files out of date, 2 bad input or usage.',
});
