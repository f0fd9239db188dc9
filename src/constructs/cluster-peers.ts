/**
 * What the cluster runs beside HiveBox that its NetworkPolicies have to name,
 * as those components really are. Plain data (no cdk8s), so that validate's
 * network-flows rule models the same pods the policies select.
 */

/**
 * The pod cert-manager starts in this namespace to answer an ACME HTTP-01
 * challenge for the Ingress's host (the Certificate, its Challenge and so the
 * solver live in the Ingress's namespace). Read in cert-manager v1.21.1, the
 * newest tag of its source (the chart is v1.21.2):
 * - pkg/issuer/acme/http/pod.go, podLabels(): the pod carries
 *   `acme.cert-manager.io/http01-solver: "true"` (SolverIdentificationLabelKey,
 *   pkg/apis/acme/v1/types.go) beside per-domain and per-token hashes;
 * - pkg/issuer/acme/http/http.go, acmeSolverListenPort = 8089: the container
 *   port (named "http", TCP) the Service (service.go) and Ingress (ingress.go)
 *   cert-manager creates beside it point at;
 * - pkg/issuer/acme/http/solver/solver.go only serves HTTP: the pod needs no egress.
 * Let's Encrypt and cert-manager's own self-check (http.go, Check and
 * testReachability) both fetch http://<host>/.well-known/acme-challenge/<token>,
 * i.e. through the public host and so through the ingress controller.
 */
export const ACME_HTTP01_SOLVER = {
  /** On every solver pod: what a policy selects it by. */
  labels: { 'acme.cert-manager.io/http01-solver': 'true' },
  /** Also on it, one challenge's: adler32 of the domain and of the token, in decimal (DomainLabelKey, TokenLabelKey). */
  domainLabel: 'acme.cert-manager.io/http-domain',
  tokenLabel: 'acme.cert-manager.io/http-token',
  port: 8089,
  portName: 'http',
  /**
   * cert-manager's ingress-shim issues a Certificate, in the Ingress's namespace, for the spec.tls
   * of an Ingress annotated with either (IngressClusterIssuerNameAnnotationKey and
   * IngressIssuerNameAnnotationKey in pkg/apis/certmanager/v1/types.go; pkg/controller/certificate-shim/sync.go).
   */
  issuerAnnotations: ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'],
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
