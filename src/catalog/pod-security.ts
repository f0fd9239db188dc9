/**
 * Pod Security Admission for the platform's namespaces. Each component of the catalogue declares the
 * strictest Pod Security Standard its pods meet (components.ts `podSecurity`); a namespace enforces the
 * least strict level of the components sharing it, and always warns and audits at "restricted", so what
 * runs below it stays visible in every `kubectl apply` and in the API server's audit log.
 *
 * The labels are Pod Security Admission's own (k8s.io/pod-security-admission api/constants.go); the
 * version is `latest`, as the environments' Namespaces have it (src/constructs/namespace.ts).
 */
import { PLATFORM_COMPONENTS, type PlatformComponent } from './components.ts';

export const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';
export const POD_SECURITY_ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';
export const POD_SECURITY_WARN = 'pod-security.kubernetes.io/warn';
export const POD_SECURITY_AUDIT = 'pod-security.kubernetes.io/audit';

/** The three Pod Security Standards, least strict first (k8s.io/pod-security-admission api.Level). */
export const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** What a component's pods meet: restricted, or a lower level and the written reason why. */
export type PodSecurity = { readonly level: 'restricted' } | { readonly level: 'baseline' | 'privileged'; readonly reason: string };

/** A component below restricted, and why. */
export interface PodSecurityException {
  readonly component: string;
  readonly level: PodSecurityLevel;
  readonly reason: string;
}

/** The level a platform namespace enforces, and the components that hold it below restricted. */
export interface NamespacePodSecurity {
  readonly namespace: string;
  readonly level: PodSecurityLevel;
  readonly exceptions: readonly PodSecurityException[];
}

const strictness = (level: PodSecurityLevel) => POD_SECURITY_LEVELS.indexOf(level);

/**
 * The least strict level of the components in `namespace`: every pod there must be admitted. Components sharing a
 * namespace set the same labels on it, as they must: Argo CD applies each Application's managedNamespaceMetadata
 * with server-side apply under one field manager (argo-cd v3.4 controller/sync_namespace.go, common.ArgoCDSSAManager),
 * so two Applications asking for different labels would take them from each other on every sync.
 */
export function namespacePodSecurity(
  namespace: string,
  components: readonly PlatformComponent[] = PLATFORM_COMPONENTS,
): NamespacePodSecurity | undefined {
  const inNamespace = components.filter((c) => c.namespace === namespace);
  if (inNamespace.length === 0) return undefined;
  const level = inNamespace.map((c) => c.podSecurity.level).reduce((a, b) => (strictness(a) <= strictness(b) ? a : b));
  const exceptions = inNamespace.flatMap((c) =>
    c.podSecurity.level === 'restricted' ? [] : [{ component: c.name, level: c.podSecurity.level, reason: c.podSecurity.reason }],
  );
  return { namespace, level, exceptions };
}

/** The labels of a namespace enforcing `level`: warn and audit stay at restricted, so a gap is never silent. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    [POD_SECURITY_ENFORCE]: level,
    [POD_SECURITY_ENFORCE_VERSION]: 'latest',
    [POD_SECURITY_WARN]: 'restricted',
    [POD_SECURITY_AUDIT]: 'restricted',
  };
}
