/**
 * What the cluster runs beside HiveBox that its NetworkPolicies have to name,
 * as those components really are. Plain data (no cdk8s), so that validate's
 * network-flows rule models the same pods the policies select.
 */

import { ENVOY_GATEWAY_NAMESPACE } from '../catalog/components.ts';

/**
 * The cluster's one Gateway (src/platform/gateway.ts renders it), as the routes of every environment
 * refer to it: its name and namespace, the listener that only redirects to HTTPS (and carries cert-manager's
 * ACME HTTP-01 solver routes), and per environment an HTTPS listener and the Secret its certificate lands in.
 */
export const SHARED_GATEWAY = {
  name: 'hivebox',
  namespace: ENVOY_GATEWAY_NAMESPACE,
  httpListener: 'http',
  httpsListener: (environment: string) => `https-${environment}`,
  certificateSecret: (environment: string) => `hivebox-${environment}-tls`,
} as const;

/**
 * The Envoy pods Envoy Gateway runs for that Gateway, in its own namespace: the only clients HiveBox admits.
 * Read in envoyproxy/gateway v1.9.0, internal/infrastructure/kubernetes/proxy/: resource.go EnvoyAppLabel()
 * (name envoy, component proxy, managed-by envoy-gateway) and resource_provider.go getPodLabels() with the
 * owning-gateway labels of internal/gatewayapi/translator.go; container ports metrics 19001 (Prometheus,
 * /stats/prometheus) and readiness 19003; a listener port below 1024 is served on port + 10000
 * (internal/gatewayapi/listener.go, wellKnownPortShift), so 80 and 443 are 10080 and 10443 on the pod.
 */
export const GATEWAY_DATA_PLANE = {
  namespace: ENVOY_GATEWAY_NAMESPACE,
  labels: {
    'app.kubernetes.io/name': 'envoy',
    'app.kubernetes.io/component': 'proxy',
    'app.kubernetes.io/managed-by': 'envoy-gateway',
    'gateway.envoyproxy.io/owning-gateway-name': SHARED_GATEWAY.name,
    'gateway.envoyproxy.io/owning-gateway-namespace': SHARED_GATEWAY.namespace,
  },
  ports: [
    { name: 'http', protocol: 'TCP', port: 10080 },
    { name: 'https', protocol: 'TCP', port: 10443 },
    { name: 'metrics', protocol: 'TCP', port: 19001 },
    { name: 'readiness', protocol: 'TCP', port: 19003 },
  ],
  metricsPath: '/stats/prometheus',
} as const;

/**
 * The cluster DNS. CoreDNS keeps the kube-dns name and label in kube-system, and
 * names its container ports dns (UDP 53) and dns-tcp (TCP 53), beside metrics (9153).
 */
export const KUBE_DNS = {
  namespace: 'kube-system',
  labels: { 'k8s-app': 'kube-dns' },
  port: 53,
  ports: [
    { name: 'dns', protocol: 'UDP', port: 53 },
    { name: 'dns-tcp', protocol: 'TCP', port: 53 },
    { name: 'metrics', protocol: 'TCP', port: 9153 },
  ],
} as const;
