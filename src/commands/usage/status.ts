/** `hivebox-gitops status`: its summary, options and examples (src/commands/flags.ts reads them). */
import { describeCommand } from '../flags.ts';

/** How long --wait waits without --timeout. */
export const DEFAULT_TIMEOUT = '10m';

export const usage = describeCommand({
  name: 'status',
  summary: 'show what Argo CD runs in each environment next to what Git wants',
  description: `Reads each environment's Argo CD Application hivebox-<env> (sync status, health,
synced revision, running HiveBox image) and prints it next to the image envs/<env>/env.yaml
wants and the local Git HEAD. Every cluster runs its own Argo CD: point the kubeconfig
context at a cluster and name it with --cluster (its environments' env.yaml cluster:).`,
  options: {
    kubeconfig: {
      type: 'string',
      value: 'path',
      description: 'kubeconfig file (default: the files $KUBECONFIG lists, merged as kubectl merges them, then ~/.kube/config)',
    },
    context: { type: 'string', value: 'name', description: 'kubeconfig context (default: its current context)' },
    namespace: { type: 'string', default: 'argocd', value: 'namespace', description: "the namespace Argo CD's Applications live in" },
    cluster: { type: 'string', value: 'name', description: 'only the environments on this cluster (default: every cluster)' },
    env: { type: 'string', multiple: true, value: 'env', description: 'only this environment; without it, every envs/<env>/' },
    wait: {
      type: 'boolean',
      description: 'watch until every environment is Synced, Healthy and running the\nimage Git wants, or the timeout passes',
    },
    timeout: { type: 'string', value: 'duration', description: `how long --wait waits, e.g. 90s, 10m, 1h (default: ${DEFAULT_TIMEOUT})` },
    'request-timeout': {
      type: 'string',
      value: 'duration',
      description: 'how long one request to the cluster may take, e.g. 5s (default: 30s)',
    },
  },
  examples: [
    { command: 'status --context nonprod --cluster nonprod', what: "dev and staging, from the nonprod cluster's Argo CD" },
    {
      command: 'status --context prod --cluster prod --env prod --wait --timeout 15m',
      what: 'wait for prod to run what Git wants after a sync',
    },
  ],
  exitStatus: `0 every (selected) environment Synced, Healthy and running the image Git wants,
1 not (or not within --timeout),
2 the cluster could not be asked (unreachable, 401/403, Argo CD not installed, no answer
within --request-timeout, an answer cut off) or bad options.`,
});
