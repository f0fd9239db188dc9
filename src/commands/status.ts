/** `hivebox-gitops status` (its options: usage/status.ts). */
import type { Environment } from '../config/environment.ts';
import { loadEnvironments } from '../config/load.ts';
import { selectEnvironments } from '../config/select.ts';
import { ExitCode, UsageError } from '../errors.ts';
import { headCommit } from '../toolchain/git.ts';
import { isSettled } from '../status/application.ts';
import { parseDuration } from '../status/duration.ts';
import { inPromotionOrder, readStatus, waitUntilSettled } from '../status/status.ts';
import { renderTable } from '../status/table.ts';
import type { CommandContext } from './context.ts';
import type { FlagValues } from './flags.ts';
import { DEFAULT_TIMEOUT, type usage } from './usage/status.ts';

export async function run(values: FlagValues<typeof usage>, context: CommandContext): Promise<number> {
  if (values.timeout !== undefined && !values.wait) throw new UsageError('--timeout applies only with --wait');
  const timeoutMs = parseDuration('--timeout', values.timeout ?? DEFAULT_TIMEOUT);
  // --timeout counts from now, not from when the Kubernetes client has loaded.
  const deadline = Date.now() + timeoutMs;
  const requestTimeout = values['request-timeout'];
  const requestTimeoutMs = requestTimeout === undefined ? undefined : parseDuration('--request-timeout', requestTimeout);

  const environments = environmentsToShow(loadEnvironments(context.cwd), values.env, values.cluster);
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
    const names = inPromotionOrder(environments)
      .map((env) => env.name)
      .join(', ');
    context.stdout.write(
      `Waiting up to ${values.timeout ?? DEFAULT_TIMEOUT} for ${names} to be Synced, Healthy and running the image Git wants...\n`,
    );
    const { rows, settled } = await waitUntilSettled(environments, client, Math.max(0, deadline - Date.now()));
    context.stdout.write(renderTable(rows, head));
    if (!settled)
      context.stdout.write(
        `Not every environment was Synced, Healthy and running the image Git wants within ${values.timeout ?? DEFAULT_TIMEOUT}.\n`,
      );
    return settled ? ExitCode.Clean : ExitCode.Findings;
  } catch (error) {
    if (error instanceof ClusterError) {
      context.stderr.write(`hivebox-gitops status: ${error.message}\n`);
      return ExitCode.InputError;
    }
    throw error;
  }
}

/** The environments --env names (every one without it), of those on --cluster when it is given. */
function environmentsToShow(all: readonly Environment[], names: readonly string[] | undefined, cluster: string | undefined): Environment[] {
  if (cluster === undefined) return selectEnvironments(all, names);
  const clusters = [...new Set(all.map((env) => env.cluster))].sort();
  if (!clusters.includes(cluster))
    throw new UsageError(`--cluster: no environment runs on "${cluster}"; expected one of ${clusters.join(', ')}`);
  const selected = selectEnvironments(all, names);
  const elsewhere = selected.filter((env) => names?.includes(env.name) && env.cluster !== cluster);
  if (elsewhere.length > 0) throw new UsageError(`--env ${elsewhere.map((env) => env.name).join(', ')}: not on cluster ${cluster}`);
  return selected.filter((env) => env.cluster === cluster);
}
