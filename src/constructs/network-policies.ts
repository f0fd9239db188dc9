/**
 * Deny everything in the namespace, then allow exactly the flows HiveBox
 * needs. Each policy is named after the flow it opens, so a reviewer can read
 * the list of policies as the list of allowed connections.
 */
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KUBE_DNS } from './cluster-peers.ts';
import { HIVEBOX } from './hivebox.ts';
import { componentLabels, NAME_LABEL, SyncWave, syncWave } from './metadata.ts';

/** Where the platform runs the pieces that talk to HiveBox (src/catalog/components.ts says). */
export interface PlatformPeers {
  /** The Gateway's data plane: the Envoy pods of the cluster's shared Gateway, in their namespace. */
  readonly gateway: { readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  readonly monitoringNamespace: string;
}

/** A workload's pods, as the construct that runs them selects them (HiveBoxApp, Valkey, Minio). */
export interface SelectedPods {
  /** The stable labels its pods are selected by. */
  readonly selector: Readonly<Record<string, string>>;
}

/** A data store HiveBox reaches (Valkey, MinIO). */
export interface StorePeer {
  /** The port HiveBox reaches it on. */
  readonly port: number;
  /** Its pods, when it runs in the namespace. @default none: an external endpoint, reached at any address on `port` */
  readonly pods?: SelectedPods;
}

/** MinIO, with the Job that creates its bucket. */
export interface BucketPeer extends StorePeer {
  /** The bucket Job's pods, MinIO's other client. @default none (an external endpoint has no Job) */
  readonly bucketJob?: SelectedPods;
}

export interface NetworkPoliciesProps {
  /** HiveBox's pods and the port they listen on (HiveBoxApp). */
  readonly app: SelectedPods & { readonly port: number };
  readonly valkey: StorePeer;
  readonly minio: BucketPeer;
  readonly peers: PlatformPeers;
}

// openSenseMap is on the internet; keep cluster-internal and link-local ranges out of the HTTPS allowance.
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

/**
 * Written with cdk8s-plus's NetworkPolicy wherever it renders the same policy: one policy per flow, peers
 * from the workloads' own selectors. Three policies are written against the Kubernetes API, because
 * cdk8s-plus-28 2.5.6 (lib/network-policy.js) would render them differently:
 * - default-deny: its constructor sets Egress's default before Ingress's (lines 245-246), so policyTypes
 *   would read [Egress, Ingress];
 * - allow-prometheus-to-hivebox: a namespace-only peer (Namespaces) stands for all pods in it
 *   (namespace.js:70, Pods.all), which createNetworkPolicyPeers writes with an extra `podSelector: {}`
 *   (lines 291-292);
 * - allow-minio-from-hivebox: addIngressRule makes one rule per peer (lines 268-270), not one rule from two.
 * The peers are Pods selected by the workloads' own labels, not the workloads: cdk8s-plus selects a
 * workload by its construct-path label (pod.js:57-68), which the pods here do not carry. Nor does
 * `connections.allowFrom/allowTo` fit: it names its policies after construct addresses (pod.js:1051), where
 * these are named after the flow they open.
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const app = this.select('HiveBox', props.app);
    this.kubePolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    this.allowDns(props);
    this.allowToApp(app, props);
    this.policy('allow-hivebox-to-opensensemap', app).addEgressRule(
      kplus.NetworkPolicyIpBlock.ipv4(this, 'Internet', '0.0.0.0/0', PRIVATE),
      [kplus.NetworkPolicyPort.tcp(443)],
    );
    this.allowValkey(app, props.valkey);
    this.allowMinio(app, props);
  }

  /**
   * The cluster DNS, for the pods that look names up and only them: HiveBox (openSenseMap, Valkey,
   * MinIO) and the bucket Job (MinIO). Valkey, MinIO and cert-manager's ACME solver resolve nothing.
   */
  private allowDns(props: NetworkPoliciesProps): void {
    const resolvers = [props.app, ...(props.minio.bucketJob ? [props.minio.bucketJob] : [])].map((pods) => pods.selector[NAME_LABEL]!);
    const kubeDns = kplus.Pods.select(this, 'KubeDns', {
      labels: { ...KUBE_DNS.labels },
      namespaces: kplus.Namespaces.select(this, 'KubeSystem', { names: [KUBE_DNS.namespace] }),
    });
    const pods = kplus.Pods.select(this, 'Resolvers', { expressions: [kplus.LabelExpression.in(NAME_LABEL, resolvers)] });
    this.policy('allow-dns', pods).addEgressRule(kubeDns, [
      kplus.NetworkPolicyPort.udp(KUBE_DNS.port),
      kplus.NetworkPolicyPort.tcp(KUBE_DNS.port),
    ]);
  }

  /** Who may reach HiveBox: the Gateway's Envoys and Prometheus. */
  private allowToApp(app: kplus.Pods, props: NetworkPoliciesProps): void {
    const { gateway, monitoringNamespace } = props.peers;
    // Only the Envoys of the shared Gateway, not every pod of their namespace. cert-manager's ACME HTTP-01
    // solver no longer runs here: its Challenge, pod and HTTPRoute live beside the Gateway's Certificates.
    const envoys = kplus.Pods.select(this, 'GatewayEnvoys', {
      labels: { ...gateway.labels },
      namespaces: kplus.Namespaces.select(this, 'GatewayNamespace', { names: [gateway.namespace] }),
    });
    this.policy('allow-gateway-to-hivebox', app).addIngressRule(envoys, [kplus.NetworkPolicyPort.tcp(props.app.port)]);

    this.kubePolicy('allow-prometheus-to-hivebox', {
      podSelector: matching(props.app),
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': monitoringNamespace } } }],
          ports: [tcp(props.app.port)],
        },
      ],
    });
  }

  private allowValkey(app: kplus.Pods, store: StorePeer): void {
    const port = kplus.NetworkPolicyPort.tcp(store.port);
    const valkey = store.pods && this.select('Valkey', store.pods);
    this.policy('allow-hivebox-to-valkey', app).addEgressRule(valkey ?? this.anyAddress('Valkey'), [port]);
    if (valkey) this.policy('allow-valkey-from-hivebox', valkey).addIngressRule(app, [port]);
  }

  private allowMinio(app: kplus.Pods, props: NetworkPoliciesProps): void {
    const { pods, bucketJob, port } = props.minio;
    const minio = pods && this.select('Minio', pods);
    this.policy('allow-hivebox-to-minio', app).addEgressRule(minio ?? this.anyAddress('Minio'), [kplus.NetworkPolicyPort.tcp(port)]);
    if (!pods || !minio || !bucketJob) return;
    this.policy('allow-bucket-job-to-minio', this.select('BucketJob', bucketJob)).addEgressRule(minio, [kplus.NetworkPolicyPort.tcp(port)]);
    this.kubePolicy('allow-minio-from-hivebox', {
      podSelector: matching(pods),
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: matching(props.app) }, { podSelector: matching(bucketJob) }], ports: [tcp(port)] }],
    });
  }

  /** An external endpoint: its address is not known here, so any address; the port is the boundary. */
  private anyAddress(store: string): kplus.NetworkPolicyIpBlock {
    return kplus.NetworkPolicyIpBlock.anyIpv4(this, `Any${store}Address`);
  }

  /** The workload's pods as a cdk8s-plus peer and policy selector. */
  private select(id: string, pods: SelectedPods): kplus.Pods {
    return kplus.Pods.select(this, `${id}Pods`, { labels: { ...pods.selector } });
  }

  /** A policy over `pods`, named after the flow it opens; the caller adds its one rule. */
  private policy(name: string, pods: kplus.Pods): kplus.NetworkPolicy {
    return new kplus.NetworkPolicy(this, name, { metadata: metadata(name), selector: pods });
  }

  /** A policy cdk8s-plus cannot render as written (see the class comment). */
  private kubePolicy(name: string, spec: k8s.NetworkPolicySpec): void {
    new k8s.KubeNetworkPolicy(this, name, { metadata: metadata(name), spec });
  }
}

function metadata(name: string) {
  return { name, labels: componentLabels(HIVEBOX, 'network-policy'), annotations: syncWave(SyncWave.Guardrails) };
}

function matching(pods: SelectedPods): k8s.LabelSelector {
  return { matchLabels: { ...pods.selector } };
}

function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}
