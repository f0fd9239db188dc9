/** `hivebox-gitops diff`: its summary, options and examples (src/commands/flags.ts reads them). */
import { describeCommand } from '../flags.ts';

export const usage = describeCommand({
  name: 'diff',
  summary: 'show what a change does to every rendered environment, argocd/ and charts/ (text, markdown, json)',
  description: `Renders every envs/<env> overlay with kustomize on both sides, reads the argocd/ and
charts/ trees, and reports the resources (and chart values files) added, removed and
changed. It compares the generated files: run \`npm run synth\` after editing env.yaml.`,
  options: {
    base: { type: 'string', required: true, value: 'ref', description: 'the commit, branch or tag to compare against' },
    head: { type: 'string', value: 'ref', description: 'the commit to compare (default: the working tree)' },
    env: { type: 'string', multiple: true, value: 'name', description: 'only this environment; argocd/ and charts/ are always shown' },
    format: {
      type: 'string',
      choices: ['text', 'markdown', 'json'],
      default: 'text',
      description: 'text, markdown (a pull-request comment) or json',
    },
    'by-setting': {
      type: 'boolean',
      description:
        "group each environment's changes by the env.yaml setting that\ncaused them (from envs/<env>/sources.yaml), instead of a diff per resource",
    },
    'exit-code': { type: 'boolean', description: 'exit 1 when there are differences (default: 0)' },
  },
  examples: [
    { command: 'diff --base origin/main', what: 'what this branch changes, against main' },
    {
      command: 'diff --base v0.6.0 --head v0.7.0 --env prod --by-setting',
      what: 'what a release changed in prod, grouped by env.yaml setting',
    },
  ],
  exitStatus: '0 compared (with --exit-code: no differences), 1 (--exit-code) differences, 2 bad input or usage.',
});
