/**
 * `hivebox-gitops status [--kubeconfig <path>] [--context <name>] [--namespace argocd] [--wait] [--timeout <duration>] [--request-timeout <duration>]`
 */
import type { Environment } from '../config/environment.ts';
import { loadEnvironments } from '../config/load.ts';
import { ExitCode, UsageError } from '../errors.ts';
import { headCommit } from '../toolchain/git.ts';
import { isSettled } from '../status/application.ts';
import { parseDuration } from '../status/duration.ts';
import { inPromotionOrder, readStatus, waitUntilSettled } from '../status/status.ts';
import { renderTable } from '../status/table.ts';
import type { CommandContext } from './context.ts';
import { parseFlags } from './flags.ts';

const HELP = `Usage: hivebox-gitops status [--kubeconfig <path>] [--context <name>] [--namespace argocd] [--cluster <name>] [--env <env>]... [--wait] [--timeout <duration>] [--request-timeout <duration>]

Reads each environment's Argo CD Application hivebox-<env> (sync status, health,
synced revision, running HiveBox image) and prints it next to the image envs/<env>/env.yaml
wants and the local Git HEAD. Every cluster runs its own Argo CD: point the kubeconfig
context at a cluster and name it with --cluster (its environments' env.yaml cluster:).

Options:
  --kubeconfig <path>   kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
  --context <name>      kubeconfig context (default: its current context)
  --namespace <ns>      the namespace Argo CD's Applications live in (default: argocd)
  --cluster <name>      only the environments on this cluster (default: every cluster)
  --env <env>           only this environment (repeatable; default: every envs/<env>/)
  --wait                watch until every environment is Synced, Healthy and running the
                        image Git wants, or the timeout passes
  --timeout <duration>  how long --wait waits, e.g. 90s, 10m, 1h (default: 10m)
  -h, --help            show this help

Exit codes: 0 every (selected) environment Synced, Healthy and running the image Git wants,
1 not (or not within --timeout),
2 the cluster could not be asked (unreachable, 401/403, Argo CD not installed, no answer
within --request-timeout, an answer cut off) or bad options.
`;

export async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const values = parseFlags('status', args, {
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    namespace: { type: 'string', default: 'argocd' },
    env: { type: 'string', multiple: true },
    cluster: { type: 'string' },
    wait: { type: 'boolean', default: false },
    timeout: { type: 'string' },
    'request-timeout': { type: 'string' },
  });
  if (values.help) {
    context.stdout.write(HELP);
    return ExitCode.Clean;
  }
  if (values.timeout !== undefined && !values.wait) throw new UsageError('--timeout applies only with --wait');
  const timeoutMs = parseDuration('--timeout', values.timeout ?? '10m');
  // --timeout counts from now, not from when the Kubernetes client has loaded.
  const deadline = Date.now() + timeoutMs;
  const requestTimeout = values['request-timeout'];
  const requestTimeoutMs = requestTimeout === undefined ? undefined : parseDuration('--request-timeout', requestTimeout);

  const environments = selectEnvironments(loadEnvironments(context.cwd), values.env, values.cluster);
  // Loaded only now: @kubernetes/client-node alone takes about two seconds to import,
  // which `--help`, a usage error and `hivebox-gitops --help` should not pay.
  const { ArgoCdApplications, ClusterError } = await import('../status/cluster.ts');
  try {
    const client = ArgoCdApplications.connect({
      kubeconfig: values.kubeconfig,
      context: values.context,
      namespace: values.namespace,
      env: context.env,
      requestTimeoutMs,
    });
    const head = await headCommit(context.cwd);
    if (!values.wait) {
      const rows = await readStatus(environments, client);
      context.stdout.write(renderTable(rows, head));
      return rows.every(isSettled) ? ExitCode.Clean : ExitCode.Findings;
    }
    const names = inPromotionOrder(environments).map((env) => env.name).join(', ');
    context.stdout.write(`Waiting up to ${values.timeout ?? '10m'} for ${names} to be Synced, Healthy and running the image Git wants...\n`);
    const { rows, settled } = await waitUntilSettled(environments, client, Math.max(0, deadline - Date.now()));
    context.stdout.write(renderTable(rows, head));
    if (!settled) context.stdout.write(`Not every environment was Synced, Healthy and running the image Git wants within ${values.timeout ?? '10m'}.\n`);
    return settled ? ExitCode.Clean : ExitCode.Findings;
  } catch (error) {
    if (error instanceof ClusterError) {
      context.stderr.write(`hivebox-gitops status: ${error.message}\n`);
      return ExitCode.InputError;
    }
    throw error;
  }
}

function selectEnvironments(all: readonly Environment[], names: readonly string[] | undefined, cluster: string | undefined): Environment[] {
  if (cluster !== undefined) {
    const clusters = [...new Set(all.map((env) => env.cluster))].sort();
    if (!clusters.includes(cluster)) throw new UsageError(`--cluster: no environment runs on "${cluster}"; expected one of ${clusters.join(', ')}`);
    const onCluster = all.filter((env) => env.cluster === cluster);
    if (names && names.length > 0) {
      const elsewhere = names.filter((name) => !onCluster.some((env) => env.name === name));
      if (elsewhere.length > 0 && all.some((env) => elsewhere.includes(env.name))) throw new UsageError(`--env ${elsewhere.join(', ')}: not on cluster ${cluster}`);
    }
    return selectEnvironments(onCluster, names, undefined);
  }
  if (!names || names.length === 0) return [...all];
  for (const name of names) {
    if (!all.some((env) => env.name === name)) {
      throw new UsageError(`--env: no environment "${name}" (envs/${name}/env.yaml); expected one of ${all.map((env) => env.name).join(', ')}`);
    }
  }
  return all.filter((env) => names.includes(env.name));
}
