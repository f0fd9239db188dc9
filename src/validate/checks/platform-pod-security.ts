/**
 * Pod Security on the platform's namespaces, as the catalogue declares it (src/catalog/components.ts
 * `podSecurity`, src/catalog/pod-security.ts): a namespace enforces the least strict level of the
 * components in it, at the latest version, and warns and audits at restricted when that is lower.
 *
 * Replays where Argo CD (v3.4) gets a namespace's labels: an Application with CreateNamespace=true sets
 * its spec.syncPolicy.managedNamespaceMetadata on the namespace at every sync, new or existing
 * (controller/sync_namespace.go), and nothing without CreateNamespace=true; a namespace no Application
 * creates (Argo CD's own, made at bootstrap) has its labels from a Namespace manifest under argocd/.
 * Levels below restricted are listed, with their reason, as notes of the report.
 */
import { CLUSTER_LABEL } from '../../argocd/naming.ts';
import type { PlatformComponent } from '../../catalog/components.ts';
import {
  POD_SECURITY_AUDIT,
  POD_SECURITY_ENFORCE,
  POD_SECURITY_ENFORCE_VERSION,
  POD_SECURITY_WARN,
  namespacePodSecurity,
  type NamespacePodSecurity,
} from '../../catalog/pod-security.ts';
import type { Manifest } from '../../kube/manifest.ts';
import { hasSyncOption, syncOptionsOf } from '../argo.ts';
import { ARGOCD_SCOPE, rule, type Report, type RepositoryCheck, type RepositoryRules, type RepositoryView } from '../check.ts';
import { applicationsOf, componentOf } from './convergence.ts';
import type { ValidationNote } from '../types.ts';
import { asObject, asStringMap } from '../workloads.ts';

const RULE = 'platform-pod-security';
const MANAGED_LABELS = 'spec.syncPolicy.managedNamespaceMetadata.labels';

/** A platform Application, and where the labels of its destination namespace come from. */
interface PlatformApp {
  readonly manifest: Manifest;
  readonly cluster: string;
  readonly namespace: string;
  readonly expected: NamespacePodSecurity;
  /** The labels Argo CD sets on the namespace it creates; undefined when the Application creates none. */
  readonly managedLabels?: Record<string, string>;
}

function platformApps(repository: Pick<RepositoryView, 'scopes'>): PlatformApp[] {
  return applicationsOf(repository).flatMap((app) => {
    const component = componentOf(app);
    if (!component) return [];
    const namespace = String(asObject(app.spec.destination).namespace ?? component.namespace);
    const creates = hasSyncOption(syncOptionsOf(app.spec), 'CreateNamespace', 'true');
    return [
      {
        manifest: app.manifest,
        cluster: app.cluster,
        namespace,
        expected: expectedIn(namespace, component),
        ...(creates ? { managedLabels: asStringMap(asObject(asObject(app.spec.syncPolicy).managedNamespaceMetadata).labels) } : {}),
      },
    ];
  });
}

/** The catalogue's level for the namespace; for one it does not know, the component's own. */
function expectedIn(namespace: string, component: PlatformComponent): NamespacePodSecurity {
  return namespacePodSecurity(namespace) ?? namespacePodSecurity(component.namespace, [component])!;
}

const reasons = (expected: NamespacePodSecurity) => expected.exceptions.map((e) => `${e.component}: ${e.reason}`).join('; ');

function checkLabels(
  report: Report,
  manifest: Manifest,
  path: string,
  labels: Readonly<Record<string, string>>,
  expected: NamespacePodSecurity,
  what: string,
): void {
  const at = (key: string) => `${path}["${key}"]`;
  const enforce = labels[POD_SECURITY_ENFORCE];
  const catalogue = `the catalogue (src/catalog/components.ts) gives ${expected.namespace} "${expected.level}"`;
  if (enforce === undefined) {
    report(
      RULE,
      manifest,
      at(POD_SECURITY_ENFORCE),
      `${what} with no Pod Security enforce level, so it admits privileged pods; ${catalogue}`,
    );
  } else if (enforce !== expected.level) {
    const why = expected.exceptions.length > 0 ? ` (${reasons(expected)})` : '';
    report(RULE, manifest, at(POD_SECURITY_ENFORCE), `${what} enforcing "${enforce}", but ${catalogue}${why}`);
  }
  const version = labels[POD_SECURITY_ENFORCE_VERSION];
  if (version !== undefined && version !== 'latest') {
    report(RULE, manifest, at(POD_SECURITY_ENFORCE_VERSION), `${what} enforcing the profile of Kubernetes ${version}, not the latest`);
  }
  if (expected.level === 'restricted') return;
  for (const key of [POD_SECURITY_WARN, POD_SECURITY_AUDIT]) {
    if (labels[key] !== 'restricted')
      report(
        RULE,
        manifest,
        at(key),
        `${what} below restricted without ${key}: restricted, so what its pods do beyond restricted goes unseen`,
      );
  }
}

/** Every platform Application's namespace carries the catalogue's Pod Security labels. */
export const platformPodSecurityCheck: RepositoryCheck = (repository, reportIn) => {
  const scope = repository.scopes.get(ARGOCD_SCOPE);
  if (!scope) return;
  const report = reportIn(ARGOCD_SCOPE);
  for (const app of platformApps(repository)) {
    const { manifest, namespace, cluster, expected } = app;
    if (app.managedLabels) {
      checkLabels(
        report,
        manifest,
        MANAGED_LABELS,
        app.managedLabels,
        expected,
        `${manifest.metadata.name} creates namespace ${namespace}`,
      );
      continue;
    }
    const made = scope
      .ofKind('Namespace', '')
      .find((m) => m.metadata.name === namespace && asStringMap(m.metadata.labels)[CLUSTER_LABEL] === cluster);
    if (made) {
      checkLabels(report, made, 'metadata.labels', asStringMap(made.metadata.labels), expected, `Namespace ${namespace} of ${cluster}`);
    } else {
      report(
        RULE,
        manifest,
        'spec.syncPolicy.syncOptions',
        `${manifest.metadata.name} deploys into ${namespace} without creating it (no CreateNamespace=true), and no Namespace ${namespace} labelled ${CLUSTER_LABEL}: ${cluster} under argocd/ gives it Pod Security labels; ${expected.level} is what the catalogue gives it`,
      );
    }
  }
};

/** The platform namespaces enforcing less than restricted, each with the catalogue's reasons: one note per namespace. */
export function platformPodSecurityNotes(repository: Pick<RepositoryView, 'scopes'>): ValidationNote[] {
  const below = new Map<string, { level: string; clusters: Set<string>; expected: NamespacePodSecurity }>();
  for (const app of platformApps(repository)) {
    const level = app.managedLabels?.[POD_SECURITY_ENFORCE];
    if (level !== 'privileged' && level !== 'baseline') continue;
    const key = `${app.namespace}\u0000${level}`;
    const entry = below.get(key) ?? below.set(key, { level, clusters: new Set(), expected: app.expected }).get(key)!;
    entry.clusters.add(app.cluster);
  }
  return [...below.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, { level, clusters, expected }]) => ({
      rule: RULE,
      scope: ARGOCD_SCOPE,
      message: `namespace ${expected.namespace} enforces Pod Security "${level}" on ${[...clusters].sort().join(', ')} (warn and audit: restricted): ${reasons(expected) || 'the catalogue gives no reason'}`,
    }));
}

export const platformPodSecurityRules: RepositoryRules = {
  rules: [
    rule(
      'platform-pod-security',
      'security',
      'Every platform namespace enforces the Pod Security level the catalogue gives its components, at the latest version, warning and auditing at restricted when lower',
      "Set the level the message names through the Application's managedNamespaceMetadata (src/argocd/applications.ts) or argocd/<cluster>/bootstrap/namespace/, from `podSecurity` in src/catalog/components.ts, then run `npm run synth`.",
    ),
  ],
  checkRepository: platformPodSecurityCheck,
  notes: platformPodSecurityNotes,
};
