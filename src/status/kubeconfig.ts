/**
 * Which kubeconfig `status` reads, found and merged the way kubectl finds and merges it, so that
 * `status` talks to the cluster `kubectl config current-context` names.
 *
 * client-node 1.4's KubeConfig.loadFromDefault differs from kubectl when $KUBECONFIG lists several
 * files (dist/config.js loadFromDefault and mergeConfig): it fails on a missing file, fails on a
 * name two files both define, and takes the current context from the last file. kubectl follows
 * client-go's ClientConfigLoadingRules.Load (tools/clientcmd/loader.go): --kubeconfig is read alone
 * and must exist; otherwise each $KUBECONFIG file in order, empty entries and missing files skipped;
 * the first file to define a cluster, user or context name wins it whole, and the current context
 * comes from the first file that sets one. Without $KUBECONFIG, ~/.kube/config alone.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** A pod's service account, client-node's next place to look after the files. */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The kubeconfig could not be found or read: nothing was asked of a cluster. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

export interface LoadedKubeconfig {
  readonly config: KubeConfig;
  /** What was read, for messages: the files, or the service account. */
  readonly source: string;
}

/** Loads the kubeconfig kubectl would use given `--kubeconfig` (or not) and the environment. */
export function loadKubeconfig(explicit: string | undefined, env: Environment): LoadedKubeconfig {
  if (explicit !== undefined) return { config: readFile(explicit), source: explicit };
  const listed = env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [];
  if (listed.length > 0) {
    const present = listed.filter((file) => existsSync(file));
    if (present.length === 0) {
      throw new KubeconfigError(
        `no kubeconfig found: none of the files $KUBECONFIG lists exists (${listed.join(', ')}); pass --kubeconfig <path> or fix KUBECONFIG`,
      );
    }
    return { config: merge(present.map(readFile)), source: present.join(delimiter) };
  }
  const home = env.HOME || env.USERPROFILE;
  const homeFile = home ? join(home, '.kube', 'config') : undefined;
  if (homeFile && existsSync(homeFile)) return { config: readFile(homeFile), source: homeFile };
  if (existsSync(SERVICE_ACCOUNT_TOKEN)) {
    const config = new KubeConfig();
    config.loadFromCluster();
    return { config, source: SERVICE_ACCOUNT_TOKEN };
  }
  throw new KubeconfigError(
    `no kubeconfig found: looked at $KUBECONFIG (not set), ${homeFile ?? '~/.kube/config ($HOME not set)'} (no such file) and a pod's service account (${SERVICE_ACCOUNT_TOKEN}: not in a pod); pass --kubeconfig <path> or set KUBECONFIG`,
  );
}

/** One file, its relative certificate paths resolved against its folder (as loadFromFile and client-go do). */
function readFile(file: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromFile(file);
  } catch (error) {
    throw new KubeconfigError(`cannot read kubeconfig ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  return config;
}

/** client-go's merge: the first file to name a cluster, user or context keeps it; the first current context wins. */
function merge(configs: readonly KubeConfig[]): KubeConfig {
  const firstByName = <T extends { readonly name: string }>(lists: readonly (readonly T[])[]): T[] => {
    const kept = new Map<string, T>();
    for (const item of lists.flat()) if (!kept.has(item.name)) kept.set(item.name, item);
    return [...kept.values()];
  };
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName(configs.map((config) => config.getClusters())),
    users: firstByName(configs.map((config) => config.getUsers())),
    contexts: firstByName(configs.map((config) => config.getContexts())),
    currentContext: configs.map((config) => config.getCurrentContext()).find(Boolean) ?? '',
  });
  return merged;
}
