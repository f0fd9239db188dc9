/**
 * The cluster's one Gateway and what it needs, as extra manifests of the envoy-gateway Application
 * (argocd/<cluster>/platform/envoy-gateway/): the GatewayClass Envoy Gateway serves, the EnvoyProxy that
 * sizes its data plane, the Gateway itself, the HTTPRoute that redirects plain HTTP to HTTPS, and the
 * PodMonitor Prometheus scrapes the Envoys with. Typed with `cdk8s import` of the pinned Gateway API and
 * prometheus-operator CRDs (src/imports/); the EnvoyProxy is written as a plain object.
 *
 * Listeners: `http` (port 80) takes routes from the Gateway's own namespace only: the redirect below and
 * the HTTPRoutes cert-manager's HTTP-01 solver creates there for each challenge (cert-manager v1.21.1,
 * pkg/issuer/acme/http/httproute.go: in the Challenge's namespace, which is the Certificate's, which
 * gateway-shim puts beside the Gateway; an Exact path match, so it wins over the redirect's prefix).
 * `https-<env>` (port 443) per environment: its host, its certificate Secret, and routes from that
 * environment's namespace only.
 *
 * Certificates: the Gateway's cert-manager.io/cluster-issuer annotation; cert-manager's gateway-shim
 * (pkg/controller/certificate-shim/sync.go) makes one Certificate per Secret named in an HTTPS listener's
 * certificateRefs, for that listener's hostname, in the Gateway's namespace. One annotation per Gateway,
 * so every environment on a cluster names the same ClusterIssuer (synth says so otherwise).
 */
import { ApiObject, type Chart } from 'cdk8s';
import type { Environment } from '../config/environment.ts';
import { SHARED_GATEWAY, GATEWAY_DATA_PLANE } from '../constructs/cluster-peers.ts';
import { InputError } from '../errors.ts';
import { PodMonitor } from '../imports/monitoring.coreos.com.ts';
import {
  Gateway,
  GatewayClass,
  GatewaySpecListenersAllowedRoutesNamespacesFrom,
  GatewaySpecListenersTlsMode,
  HttpRoute,
  HttpRouteSpecRulesFiltersRequestRedirectScheme,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
  HttpRouteSpecRulesFiltersType,
} from '../imports/gateway.networking.k8s.io.ts';
import { GATEWAY_API_GROUP } from '../catalog/components.ts';

/** The GatewayClass of Envoy Gateway's controller (its chart's config.envoyGateway.gateway.controllerName default). */
export const GATEWAY_CLASS = 'envoy-gateway';
export const GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
const ENVOY_PROXY = 'hivebox-gateway';

// After the chart's own wave, and without a dry run: on the first sync the CRDs may not exist yet.
const AFTER_CHART = {
  'argocd.argoproj.io/sync-wave': '1',
  'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
};

/** The one ClusterIssuer the environments of a cluster share (the Gateway's annotation). */
export function gatewayIssuer(cluster: string, envs: readonly Environment[]): string | undefined {
  const [first, ...rest] = [...envs].sort((a, b) => a.name.localeCompare(b.name));
  if (!first) return undefined;
  for (const env of rest) {
    if (env.route.tlsIssuer !== first.route.tlsIssuer) {
      throw new InputError(
        env.file,
        'route.tlsIssuer',
        `expected "${first.route.tlsIssuer}", the ClusterIssuer ${first.name} (${first.file}) uses: every environment on cluster ${cluster} gets its certificate through the cluster's one Gateway, which names one issuer`,
      );
    }
  }
  return first.route.tlsIssuer;
}

/** The Gateway and its companions for one cluster (`envs`: the environments on it). Nothing without an environment. */
export function sharedGateway(chart: Chart, cluster: string, envs: readonly Environment[], manual: boolean): void {
  const issuer = gatewayIssuer(cluster, envs);
  if (issuer === undefined) return;
  const { name, namespace } = SHARED_GATEWAY;
  const labels = { 'app.kubernetes.io/part-of': 'platform' };

  new ApiObject(chart, 'envoy-proxy', {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyProxy',
    metadata: { name: ENVOY_PROXY, namespace, labels, annotations: AFTER_CHART },
    spec: {
      provider: {
        type: 'Kubernetes',
        kubernetes: {
          // Two Envoys and a budget where a person-synced environment runs; one elsewhere.
          envoyDeployment: {
            replicas: manual ? 2 : 1,
            container: { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } } },
          },
          ...(manual ? { envoyPDB: { minAvailable: 1 } } : {}),
        },
      },
    },
  });

  new GatewayClass(chart, 'gateway-class', {
    metadata: { name: GATEWAY_CLASS, labels, annotations: AFTER_CHART },
    spec: {
      controllerName: GATEWAY_CONTROLLER,
      parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: ENVOY_PROXY, namespace },
    },
  });

  const routesOnly = [{ group: GATEWAY_API_GROUP, kind: 'HTTPRoute' }];
  new Gateway(chart, 'gateway', {
    metadata: { name, namespace, labels, annotations: { ...AFTER_CHART, 'cert-manager.io/cluster-issuer': issuer } },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      listeners: [
        {
          name: SHARED_GATEWAY.httpListener,
          protocol: 'HTTP',
          port: 80,
          allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME }, kinds: routesOnly },
        },
        ...[...envs]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((env) => ({
            name: SHARED_GATEWAY.httpsListener(env.name),
            protocol: 'HTTPS',
            port: 443,
            hostname: env.route.host,
            tls: {
              mode: GatewaySpecListenersTlsMode.TERMINATE,
              certificateRefs: [{ group: '', kind: 'Secret', name: SHARED_GATEWAY.certificateSecret(env.name) }],
            },
            allowedRoutes: {
              namespaces: {
                from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
                selector: { matchLabels: { 'kubernetes.io/metadata.name': env.namespace } },
              },
              kinds: routesOnly,
            },
          })),
      ],
    },
  });

  new HttpRoute(chart, 'https-redirect', {
    metadata: { name: 'https-redirect', namespace, labels, annotations: AFTER_CHART },
    spec: {
      parentRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name, namespace, sectionName: SHARED_GATEWAY.httpListener }],
      rules: [
        {
          filters: [
            {
              type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
              requestRedirect: {
                scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS,
                statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301,
              },
            },
          ],
        },
      ],
    },
  });

  // The Envoys' own metrics: requests, errors and latency per route as the Gateway sees them.
  new PodMonitor(chart, 'pod-monitor', {
    metadata: { name: `${name}-gateway`, namespace, labels, annotations: AFTER_CHART },
    spec: {
      selector: { matchLabels: { ...GATEWAY_DATA_PLANE.labels } },
      podMetricsEndpoints: [{ port: 'metrics', path: GATEWAY_DATA_PLANE.metricsPath, interval: '30s' }],
    },
  });
}
