/** `hivebox-gitops validate`: its summary, options and examples (src/commands/flags.ts reads them). */
import { describeCommand } from '../flags.ts';

export const usage = describeCommand({
  name: 'validate',
  summary: 'check every rendered environment and argocd/: schemas, security, reliability, staging/prod parity (text, json, sarif)',
  description: `Renders every envs/<env> overlay with kustomize, and the argocd/ tree, and checks
them: strict schemas for the environment's Kubernetes version (and the CRDs in use),
Pod Security "restricted" and pinned images, reliability (resources, probes,
PodDisruptionBudgets, Services, HPAs, ServiceMonitors, default-deny NetworkPolicies,
the Gateway's routes and certificates) and that staging mirrors prod. A finding names
the env.yaml setting behind it (envs/<env>/sources.yaml). An environment waives a rule
in its env.yaml (waivers: rule, resource, reason, expires); a custom resource with the
annotation hivebox.dev/waive.<rule-id>: "<reason>". Waivers are listed in the report.`,
  options: {
    env: { type: 'string', multiple: true, value: 'name', description: 'only this environment; argocd/ is always checked' },
    format: {
      type: 'string',
      choices: ['text', 'json', 'sarif'],
      default: 'text',
      description: 'text, json or sarif (SARIF 2.1.0, for GitHub code scanning)',
    },
  },
  examples: [
    { command: 'validate', what: 'every environment and argocd/, as a report for a person' },
    { command: 'validate --env staging --env prod', what: 'two environments (and parity between them) and argocd/' },
    { command: 'validate --format sarif', what: 'the report for GitHub code scanning' },
  ],
  exitStatus: '0 clean, 1 findings, 2 bad input or usage.',
});
