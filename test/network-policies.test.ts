/**
 * NetworkPolicies on their own (cdk8s Testing.chart()): every flow is opened between the pods
 * the workload constructs say they select, never between names kept beside them.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Minio } from '../src/constructs/minio.ts';
import { NetworkPolicies, type NetworkPoliciesProps } from '../src/constructs/network-policies.ts';
import { Valkey } from '../src/constructs/valkey.ts';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PEERS: NetworkPoliciesProps['peers'] = {
  gateway: { namespace: 'edge', labels: { app: 'envoy' } },
  monitoringNamespace: 'observability',
};
const APP = { selector: { 'app.kubernetes.io/name': 'api', tier: 'web' }, port: 8080 };

function policies(props: NetworkPoliciesProps): Map<string, Any> {
  const chart = Testing.chart();
  new NetworkPolicies(chart, 'NetworkPolicies', props);
  return new Map(Testing.synth(chart).map((policy) => [policy.metadata.name, policy]));
}

describe('NetworkPolicies', () => {
  it('opens each flow between the pods and ports of the workloads it is given', () => {
    const chart = Testing.chart();
    const valkey = new Valkey(chart, 'Valkey', { storage: '1Gi' });
    const minio = new Minio(chart, 'Minio', { storage: '1Gi', bucket: 'b', credentialsSecretName: 's' });
    const workloads = Testing.synth(chart);
    const selectorOf = (kind: string, name: string) =>
      workloads.find((m) => m.kind === kind && m.metadata.name === name)!.spec.template.metadata.labels;
    const all = policies({
      app: APP,
      valkey: { pods: valkey, port: valkey.port },
      minio: { pods: minio, bucketJob: minio.bucketJob, port: minio.port },
      peers: PEERS,
    });
    const spec = (name: string) => all.get(name)!.spec;

    // Each policy's pods are the workload's own: its pod template carries every label the policy selects by.
    const valkeyPods = selectorOf('StatefulSet', 'valkey');
    const minioPods = selectorOf('StatefulSet', 'minio');
    const jobPods = selectorOf('Job', 'minio-bucket');
    expect(valkeyPods).toMatchObject(spec('allow-valkey-from-hivebox').podSelector.matchLabels);
    expect(minioPods).toMatchObject(spec('allow-minio-from-hivebox').podSelector.matchLabels);
    expect(jobPods).toMatchObject(spec('allow-bucket-job-to-minio').podSelector.matchLabels);

    expect(spec('allow-hivebox-to-valkey').egress).toEqual([
      { to: [{ podSelector: { matchLabels: valkey.selector } }], ports: [{ protocol: 'TCP', port: 6379 }] },
    ]);
    expect(spec('allow-valkey-from-hivebox').ingress).toEqual([
      { from: [{ podSelector: { matchLabels: APP.selector } }], ports: [{ protocol: 'TCP', port: 6379 }] },
    ]);
    expect(spec('allow-minio-from-hivebox').ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: APP.selector } }, { podSelector: { matchLabels: minio.bucketJob.selector } }],
        ports: [{ protocol: 'TCP', port: 9000 }],
      },
    ]);
    expect(spec('allow-dns').podSelector.matchExpressions).toEqual([
      { key: 'app.kubernetes.io/name', operator: 'In', values: ['api', 'minio-bucket'] },
    ]);
    expect(spec('allow-gateway-to-hivebox')).toEqual({
      podSelector: { matchLabels: APP.selector },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } },
              podSelector: { matchLabels: { app: 'envoy' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
    expect(spec('allow-prometheus-to-hivebox').ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it('reaches external stores at any address on their port, and asks no store pods to admit anyone', () => {
    const all = policies({ app: APP, valkey: { port: 6380 }, minio: { port: 443 }, peers: PEERS });
    expect([...all.keys()].sort()).toEqual([
      'allow-dns',
      'allow-gateway-to-hivebox',
      'allow-hivebox-to-minio',
      'allow-hivebox-to-opensensemap',
      'allow-hivebox-to-valkey',
      'allow-prometheus-to-hivebox',
      'default-deny',
    ]);
    expect(all.get('allow-hivebox-to-valkey')!.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 6380 }] },
    ]);
    expect(all.get('allow-hivebox-to-minio')!.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(all.get('allow-dns')!.spec.podSelector.matchExpressions[0].values).toEqual(['api']);
  });
});
