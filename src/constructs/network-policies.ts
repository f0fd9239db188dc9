/**
 * Deny everything in the namespace, then allow exactly the flows HiveBox
 * needs. Each policy is named after the flow it opens, so a reviewer can read
 * the list of policies as the list of allowed connections.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KUBE_DNS } from './cluster-peers.ts';
import { HIVEBOX } from './hivebox.ts';
import { componentLabels, NAME_LABEL, selectorLabels, SyncWave, syncWave } from './metadata.ts';
import { BUCKET_JOB, MINIO } from './minio.ts';
import { VALKEY } from './valkey.ts';

/** Where the platform runs the pieces that talk to HiveBox (src/catalog/components.ts says). */
export interface PlatformPeers {
  /** The Gateway's data plane: the Envoy pods of the cluster's shared Gateway, in their namespace. */
  readonly gateway: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  readonly monitoringNamespace: string;
}

export interface NetworkPoliciesProps {
  readonly appPort: number;
  /** In-cluster Valkey port, or the external endpoint's port. */
  readonly valkey: { readonly inCluster: boolean; readonly port: number };
  readonly minio: { readonly inCluster: boolean; readonly port: number };
  readonly peers: PlatformPeers;
}

const ANY = '0.0.0.0/0';
// openSenseMap is on the internet; keep cluster-internal and link-local ranges out of the HTTPS allowance.
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const { gateway, monitoringNamespace } = props.peers;
    const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(this, name, {
        metadata: { name, labels: componentLabels(HIVEBOX, 'network-policy'), annotations: syncWave(SyncWave.Guardrails) },
        spec,
      });
    const pods = (name: string) => ({ matchLabels: selectorLabels(name) });
    const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const inNamespace = (namespace: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': namespace } });

    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

    // The cluster DNS, for the pods that look names up and only them: HiveBox (openSenseMap, Valkey,
    // MinIO) and the bucket Job (MinIO). Valkey, MinIO and cert-manager's ACME solver resolve nothing.
    const resolvers = [HIVEBOX, ...(props.minio.inCluster ? [BUCKET_JOB] : [])];
    policy('allow-dns', {
      podSelector: { matchExpressions: [{ key: NAME_LABEL, operator: 'In', values: resolvers }] },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: inNamespace(KUBE_DNS.namespace), podSelector: { matchLabels: { ...KUBE_DNS.labels } } }],
          ports: [
            { protocol: 'UDP', port: k8s.IntOrString.fromNumber(KUBE_DNS.port) },
            { protocol: 'TCP', port: k8s.IntOrString.fromNumber(KUBE_DNS.port) },
          ],
        },
      ],
    });

    // Only the Envoys of the shared Gateway, not every pod of their namespace. cert-manager's ACME HTTP-01
    // solver no longer runs here: its Challenge, pod and HTTPRoute live beside the Gateway's Certificates.
    policy('allow-gateway-to-hivebox', {
      podSelector: pods(HIVEBOX),
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: inNamespace(gateway.namespace), podSelector: { matchLabels: { ...gateway.labels } } }], ports: [tcp(props.appPort)] }],
    });

    policy('allow-prometheus-to-hivebox', {
      podSelector: pods(HIVEBOX),
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: inNamespace(monitoringNamespace) }], ports: [tcp(props.appPort)] }],
    });

    policy('allow-hivebox-to-opensensemap', {
      podSelector: pods(HIVEBOX),
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: ANY, except: PRIVATE } }], ports: [tcp(443)] }],
    });

    if (props.valkey.inCluster) {
      policy('allow-hivebox-to-valkey', {
        podSelector: pods(HIVEBOX),
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: pods(VALKEY) }], ports: [tcp(props.valkey.port)] }],
      });
      policy('allow-valkey-from-hivebox', {
        podSelector: pods(VALKEY),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: pods(HIVEBOX) }], ports: [tcp(props.valkey.port)] }],
      });
    } else {
      policy('allow-hivebox-to-valkey', {
        podSelector: pods(HIVEBOX),
        policyTypes: ['Egress'],
        // An external endpoint's address is not known here; the port is the boundary.
        egress: [{ to: [{ ipBlock: { cidr: ANY } }], ports: [tcp(props.valkey.port)] }],
      });
    }

    if (props.minio.inCluster) {
      policy('allow-hivebox-to-minio', {
        podSelector: pods(HIVEBOX),
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: pods(MINIO) }], ports: [tcp(props.minio.port)] }],
      });
      policy('allow-bucket-job-to-minio', {
        podSelector: pods(BUCKET_JOB),
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: pods(MINIO) }], ports: [tcp(props.minio.port)] }],
      });
      policy('allow-minio-from-hivebox', {
        podSelector: pods(MINIO),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: pods(HIVEBOX) }, { podSelector: pods(BUCKET_JOB) }], ports: [tcp(props.minio.port)] }],
      });
    } else {
      policy('allow-hivebox-to-minio', {
        podSelector: pods(HIVEBOX),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: ANY } }], ports: [tcp(props.minio.port)] }],
      });
    }
  }
}
