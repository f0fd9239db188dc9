/**
 * Traffic through the Gateway API, replayed as the implementations and
 * cert-manager read it:
 * - gateway-route-attached: every HTTPRoute of an environment attaches, through
 *   each parentRef, to a listener of a Gateway its cluster runs (argocd/<cluster>/)
 *   that admits it: the listener named (sectionName) or any, its allowedRoutes
 *   (namespaces From Same, All or Selector against the route namespace's labels;
 *   kinds, or by default HTTPRoute on HTTP and HTTPS), and a hostname both share
 *   (Gateway API v1.6.1, apis/v1/gateway_types.go and httproute_types.go: a
 *   listener hostname `*.zone` matches names below the zone; no hostname matches any).
 * - gateway-certificate: every HTTPS listener gets a certificate: a hostname, TLS
 *   Terminate, certificateRefs to a Secret in the Gateway's namespace, and
 *   cert-manager told to fill it (cert-manager v1.21.1, pkg/controller/certificate-shim/sync.go):
 *   the Gateway's cert-manager.io/cluster-issuer naming a ClusterIssuer on the
 *   cluster (or cert-manager.io/issuer an Issuer beside the Gateway), or a Certificate
 *   of that Secret covering the hostname. Where the issuer answers ACME HTTP-01 through
 *   the Gateway (gatewayHTTPRoute), its parentRefs must reach a plain HTTP listener on
 *   port 80 that admits routes from the Gateway's namespace, where the Certificate and
 *   so the solver's HTTPRoute live (pkg/issuer/acme/http/httproute.go).
 * - no-ingress: no Ingress is left; nothing serves them any more.
 */
import { CLUSTER_LABEL } from '../../argocd/naming.ts';
import type { Manifest } from '../../kube/manifest.ts';
import { CORE_GROUP } from '../../kube/object.ts';
import {
  ARGOCD_SCOPE,
  type Check,
  type RepositoryCheck,
  type RepositoryRules,
  type RepositoryView,
  rule,
  type ScopeRules,
  type ScopeView,
} from '../check.ts';
import { asArray, asObject, asStringMap, namespaceOf, selectorMatches, type Json } from '../workloads.ts';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const NAME_LABEL = 'kubernetes.io/metadata.name';

/** Gateway API hostname matching: exact, or a listener wildcard `*.zone` over any name below the zone. */
export function hostnamesIntersect(listener: string | undefined, route: string): boolean {
  if (listener === undefined || listener === '') return true;
  const wildcard = (pattern: string, name: string) =>
    pattern.startsWith('*.') && name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1;
  return listener === route || wildcard(listener, route) || wildcard(route, listener);
}

interface Listener {
  readonly gateway: Manifest;
  readonly index: number;
  readonly spec: Json;
}

/** The manifests of everything argocd/<cluster>/ deploys, by cluster. */
function clusterManifests(repository: RepositoryView): Map<string, Manifest[]> {
  const byCluster = new Map<string, Manifest[]>();
  for (const [path, manifests] of repository.folders) {
    const match = /^argocd\/([^/]+)\//.exec(`${path}/`);
    if (!match) continue;
    byCluster.set(match[1]!, [...(byCluster.get(match[1]!) ?? []), ...manifests]);
  }
  return byCluster;
}

/** The cluster each environment is deployed to: the Application in argocd/ whose source is envs/<env>. */
function clusterOfEnvironments(repository: RepositoryView): Map<string, string> {
  const clusters = new Map<string, string>();
  for (const app of repository.scopes.get(ARGOCD_SCOPE)?.ofKind('Application', 'argocd') ?? []) {
    const spec = asObject(app.spec);
    const sources = [spec.source, ...asArray(spec.sources)].map(asObject);
    const cluster = asStringMap(app.metadata.labels)[CLUSTER_LABEL];
    for (const source of sources) {
      const env = /^envs\/([^/]+)\/?$/.exec(String(source.path ?? ''));
      if (env && cluster) clusters.set(env[1]!, cluster);
    }
  }
  return clusters;
}

function listenersOf(gateway: Manifest): Listener[] {
  return asArray(asObject(gateway.spec).listeners).map((spec, index) => ({ gateway, index, spec: asObject(spec) }));
}

/** Why a listener refuses an HTTPRoute, or undefined if it admits it. */
function refusal(
  listener: Listener,
  routeNamespace: string,
  namespaceLabels: Record<string, string>,
  hostnames: readonly string[],
): string | undefined {
  const allowed = asObject(listener.spec.allowedRoutes);
  const namespaces = asObject(allowed.namespaces);
  const from = String(namespaces.from ?? 'Same');
  const gatewayNamespace = namespaceOf(listener.gateway);
  const name = String(listener.spec.name);
  if (from === 'Same' && routeNamespace !== gatewayNamespace)
    return `listener ${name} takes routes from its own namespace ${gatewayNamespace} only`;
  if (from === 'Selector' && !selectorMatches(namespaces.selector, namespaceLabels))
    return `listener ${name} takes routes only from namespaces its selector matches, not ${routeNamespace}`;
  if (from === 'None') return `listener ${name} takes no routes`;
  const kinds = asArray(allowed.kinds).map(asObject);
  const protocol = String(listener.spec.protocol ?? '');
  const kindAllowed =
    kinds.length > 0
      ? kinds.some((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === 'HTTPRoute')
      : protocol === 'HTTP' || protocol === 'HTTPS';
  if (!kindAllowed) return `listener ${name} (${protocol}) takes no HTTPRoute`;
  const hostname = typeof listener.spec.hostname === 'string' ? listener.spec.hostname : undefined;
  if (hostnames.length > 0 && !hostnames.some((h) => hostnamesIntersect(hostname, h)))
    return `listener ${name} serves ${hostname}, none of ${hostnames.join(', ')}`;
  return undefined;
}

export const gatewayRouteAttachedCheck: RepositoryCheck = (repository, reportIn) => {
  const byCluster = clusterManifests(repository);
  const clusterOf = clusterOfEnvironments(repository);
  for (const [scopeName, scope] of repository.scopes) {
    if (scopeName === ARGOCD_SCOPE) continue;
    const cluster = clusterOf.get(scopeName);
    // No Application in argocd/ deploys it (a scope validated on its own): no cluster to look for Gateways on.
    if (cluster === undefined) continue;
    const gateways = (byCluster.get(cluster) ?? []).filter(
      (m) => m.kind === 'Gateway' && String(m.apiVersion).startsWith(`${GATEWAY_GROUP}/`),
    );
    const report = reportIn(scopeName);
    for (const route of scope.manifests.filter((m) => m.kind === 'HTTPRoute')) {
      const routeNamespace = namespaceOf(route);
      const namespace = scope.ofKind('Namespace', '').find((m) => m.metadata.name === routeNamespace);
      const namespaceLabels = { ...asStringMap(namespace?.metadata.labels), [NAME_LABEL]: routeNamespace };
      const hostnames = asArray(asObject(route.spec).hostnames).map(String);
      const parents = asArray(asObject(route.spec).parentRefs).map(asObject);
      if (parents.length === 0)
        report('gateway-route-attached', route, 'spec.parentRefs', `HTTPRoute ${route.metadata.name} names no Gateway: nothing serves it`);
      parents.forEach((parent, index) => {
        const path = `spec.parentRefs[${index}]`;
        if ((parent.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (parent.kind ?? 'Gateway') !== 'Gateway') return; // another parent kind: not ours to judge
        const gatewayNamespace = String(parent.namespace ?? routeNamespace);
        const where = `Gateway ${gatewayNamespace}/${String(parent.name)}`;
        const gateway = gateways.find((g) => g.metadata.name === parent.name && namespaceOf(g) === gatewayNamespace);
        if (!gateway) {
          report(
            'gateway-route-attached',
            route,
            path,
            `HTTPRoute ${route.metadata.name} attaches to ${where}, which cluster ${cluster} does not run`,
          );
          return;
        }
        const named = listenersOf(gateway).filter(
          (l) =>
            (parent.sectionName === undefined || l.spec.name === parent.sectionName) &&
            (parent.port === undefined || l.spec.port === parent.port),
        );
        if (named.length === 0) {
          report(
            'gateway-route-attached',
            route,
            path,
            `HTTPRoute ${route.metadata.name} attaches to listener ${String(parent.sectionName ?? parent.port)} of ${where}, which has none by that name`,
          );
          return;
        }
        const reasons = named.map((l) => refusal(l, routeNamespace, namespaceLabels, hostnames));
        if (reasons.every((r) => r !== undefined))
          report('gateway-route-attached', route, path, `HTTPRoute ${route.metadata.name} is refused by ${where}: ${reasons.join('; ')}`);
      });
    }
  }
};

export const gatewayRouteAttachedRules: RepositoryRules = {
  rules: [
    rule(
      'gateway-route-attached',
      'reliability',
      "Every HTTPRoute attaches to a listener of its cluster's Gateway that admits its namespace, kind and hostname",
      "Point parentRefs at the Gateway and listener made for the environment (src/platform/gateway.ts), and give the route that listener's hostname.",
    ),
  ],
  checkRepository: gatewayRouteAttachedCheck,
};

const ISSUER_ANNOTATIONS = { 'cert-manager.io/cluster-issuer': 'ClusterIssuer', 'cert-manager.io/issuer': 'Issuer' } as const;

export const gatewayCertificateCheck: RepositoryCheck = (repository, reportIn) => {
  if (!repository.scopes.has(ARGOCD_SCOPE)) return;
  const report = reportIn(ARGOCD_SCOPE);
  for (const manifests of clusterManifests(repository).values()) {
    for (const gateway of manifests.filter((m) => m.kind === 'Gateway' && String(m.apiVersion).startsWith(`${GATEWAY_GROUP}/`))) {
      const namespace = namespaceOf(gateway);
      const annotations = asStringMap(gateway.metadata.annotations);
      const issuerKey = (Object.keys(ISSUER_ANNOTATIONS) as Array<keyof typeof ISSUER_ANNOTATIONS>).find((key) => annotations[key]);
      const issuer =
        issuerKey &&
        manifests.find(
          (m) =>
            m.kind === ISSUER_ANNOTATIONS[issuerKey] &&
            m.metadata.name === annotations[issuerKey] &&
            (issuerKey === 'cert-manager.io/cluster-issuer' || namespaceOf(m) === namespace),
        );
      for (const listener of listenersOf(gateway)) {
        const path = `spec.listeners[${listener.index}]`;
        const name = String(listener.spec.name);
        if (listener.spec.protocol !== 'HTTPS') continue;
        const hostname = typeof listener.spec.hostname === 'string' ? listener.spec.hostname : undefined;
        const tls = asObject(listener.spec.tls);
        const refs = asArray(tls.certificateRefs).map(asObject);
        const problem = !hostname
          ? 'has no hostname, so no certificate can name it'
          : tls.mode === 'Passthrough'
            ? 'passes TLS through: the Gateway holds no certificate for it'
            : refs.length === 0
              ? 'names no certificate (tls.certificateRefs)'
              : refs.some(
                    (r) =>
                      (r.group ?? CORE_GROUP) !== CORE_GROUP ||
                      (r.kind ?? 'Secret') !== 'Secret' ||
                      (r.namespace ?? namespace) !== namespace,
                  )
                ? `refers to a certificate other than a Secret in ${namespace}, which cert-manager does not fill`
                : undefined;
        if (problem) {
          report('gateway-certificate', gateway, path, `listener ${name} of Gateway ${namespace}/${gateway.metadata.name} ${problem}`);
          continue;
        }
        const secrets = refs.map((r) => String(r.name));
        const certificate = manifests.some(
          (m) =>
            m.kind === 'Certificate' &&
            namespaceOf(m) === namespace &&
            secrets.includes(String(asObject(m.spec).secretName)) &&
            asArray(asObject(m.spec).dnsNames).some(
              (d) => hostnamesIntersect(String(d), hostname!) && (String(d) === hostname || String(d).startsWith('*.')),
            ),
        );
        if (certificate) continue;
        if (!issuerKey) {
          report(
            'gateway-certificate',
            gateway,
            path,
            `listener ${name} (${hostname}) gets no certificate: no Certificate writes ${secrets.join(', ')} and the Gateway asks cert-manager for none (cert-manager.io/cluster-issuer)`,
          );
        } else if (!issuer) {
          report(
            'gateway-certificate',
            gateway,
            `metadata.annotations["${issuerKey}"]`,
            `listener ${name} (${hostname}) gets no certificate: ${ISSUER_ANNOTATIONS[issuerKey]} ${annotations[issuerKey]} does not exist on this cluster`,
          );
        }
      }
      if (issuer) checkSolverPath(issuer, gateway, manifests, report);
    }
  }
};

export const gatewayCertificateRules: RepositoryRules = {
  rules: [
    rule(
      'gateway-certificate',
      'reliability',
      'Every HTTPS listener gets a certificate, and its issuer can answer ACME HTTP-01 through the Gateway',
      "Give the listener a hostname and a Secret in the Gateway's namespace, annotate the Gateway with an existing ClusterIssuer, and point its gatewayHTTPRoute solver at the HTTP listener.",
    ),
  ],
  checkRepository: gatewayCertificateCheck,
};

/** An HTTP-01 gatewayHTTPRoute solver of the Gateway's issuer must reach a plain HTTP listener that takes routes from the Gateway's namespace. */
function checkSolverPath(
  issuer: Manifest,
  gateway: Manifest,
  manifests: readonly Manifest[],
  report: ReturnType<Parameters<RepositoryCheck>[1]>,
): void {
  const namespace = namespaceOf(gateway);
  const solvers = asArray(asObject(asObject(issuer.spec).acme).solvers).map(asObject);
  solvers.forEach((solver, index) => {
    const route = asObject(asObject(solver.http01).gatewayHTTPRoute);
    if (Object.keys(route).length === 0) return;
    const path = `spec.acme.solvers[${index}].http01.gatewayHTTPRoute.parentRefs`;
    const parents = asArray(route.parentRefs).map(asObject);
    const reached = parents.some((parent) => {
      const target = manifests.find(
        (m) => m.kind === 'Gateway' && m.metadata.name === parent.name && namespaceOf(m) === String(parent.namespace ?? namespace),
      );
      if (!target) return false;
      return listenersOf(target).some(
        (l) =>
          (parent.sectionName === undefined || l.spec.name === parent.sectionName) &&
          l.spec.protocol === 'HTTP' &&
          l.spec.port === 80 &&
          refusal(l, namespace, { [NAME_LABEL]: namespace }, []) === undefined,
      );
    });
    if (!reached) {
      report(
        'gateway-certificate',
        issuer,
        path,
        `${issuer.kind} ${issuer.metadata.name} answers HTTP-01 through no listener that serves plain HTTP on port 80 and takes the solver's HTTPRoute from ${namespace}, where Gateway ${gateway.metadata.name}'s Certificates live: no certificate would be issued`,
      );
    }
  });
}

export const noIngressCheck: Check = (scope: ScopeView, report) => {
  for (const manifest of scope.manifests) {
    if (manifest.kind !== 'Ingress') continue;
    report(
      'no-ingress',
      manifest,
      'kind',
      `Ingress ${manifest.metadata.name} remains: no ingress controller serves it (ingress-nginx is gone); route with an HTTPRoute on the cluster's Gateway`,
    );
  }
};

export const noIngressRules: ScopeRules = {
  rules: [
    rule(
      'no-ingress',
      'reliability',
      'No Ingress remains: traffic goes through the Gateway API',
      "Replace the Ingress with an HTTPRoute on the cluster's Gateway (env.yaml route:); docs/runbooks/migrate-from-ingress-nginx.md.",
    ),
  ],
  check: noIngressCheck,
};
