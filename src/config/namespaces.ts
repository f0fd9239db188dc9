/**
 * The namespaces of a cluster and who owns each: what an environment may take, and what it may not.
 *
 * An environment's overlay puts a default-deny NetworkPolicy, a ResourceQuota and a LimitRange into its
 * namespace, and synth creates `<namespace>-secrets` beside it for its credentials. In a namespace that
 * belongs to someone else these would cut Argo CD, the API server or a platform component off.
 */
import { ARGOCD_NAMESPACE, PLATFORM_COMPONENTS } from '../catalog/components.ts';
import { DNS1123_LABEL_MAX_LENGTH, isDns1123Label } from './kubernetes-names.ts';

/** Where the platform's own credentials are kept on every cluster (src/platform/cluster-config.ts). */
export const PLATFORM_SECRETS_NAMESPACE = 'platform-secrets';

const SECRETS_SUFFIX = '-secrets';

/** The namespace each environment's secrets are kept in, read by its store and nothing else. */
export function secretSourceNamespace(env: { readonly namespace: string }): string {
  return `${env.namespace}${SECRETS_SUFFIX}`;
}

/**
 * Kubernetes creates `default`, `kube-system`, `kube-public` and `kube-node-lease` itself and reserves the `kube-`
 * prefix for its own ("Avoid creating namespaces with the prefix kube-", kubernetes/website,
 * content/en/docs/concepts/overview/working-with-objects/namespaces.md).
 */
function isKubernetesNamespace(namespace: string): boolean {
  return namespace === 'default' || namespace.startsWith('kube-');
}

/** Who owns a namespace no environment may use, or undefined when it is free for one. */
export function reservedNamespaceOwner(namespace: string): string | undefined {
  if (isKubernetesNamespace(namespace)) return 'Kubernetes';
  if (namespace === ARGOCD_NAMESPACE) return 'Argo CD';
  if (namespace === PLATFORM_SECRETS_NAMESPACE) return "the platform's credentials";
  const components = PLATFORM_COMPONENTS.filter((component) => component.namespace === namespace).map((component) => component.name);
  return components.length > 0 ? `the platform (${components.join(', ')})` : undefined;
}

/** What is wrong with an environment's namespace on its own, or undefined. */
export function namespaceProblem(namespace: string): string | undefined {
  const owner = reservedNamespaceOwner(namespace);
  if (owner) return `expected a namespace of the environment's own; "${namespace}" belongs to ${owner}`;
  const secrets = secretSourceNamespace({ namespace });
  if (!isDns1123Label(secrets)) {
    return `expected a namespace of at most ${DNS1123_LABEL_MAX_LENGTH - SECRETS_SUFFIX.length} characters: synth keeps the environment's credentials in "${secrets}", which must be a DNS label too`;
  }
  return undefined;
}
