import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldPath, knownKinds, validateSchema } from '../src/schemas/index.ts';
import { CRD_FILE_SOURCES } from '../src/schemas/sources.ts';
import type { Manifest } from '../src/kube/manifest.ts';

const m = (object: Record<string, unknown>): Manifest => object as unknown as Manifest;

function deployment(container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): Manifest {
  return m({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'hivebox', namespace: 'hivebox-dev', labels: { app: 'hivebox' } },
    spec: {
      selector: { matchLabels: { app: 'hivebox' } },
      template: {
        metadata: { labels: { app: 'hivebox' } },
        spec: {
          containers: [
            { name: 'hivebox', image: 'ghcr.io/x/hivebox:v1', resources: { limits: { cpu: 1, memory: '256Mi' } }, ...container },
          ],
        },
      },
      ...spec,
    },
  });
}

describe('validateSchema: Kubernetes kinds', () => {
  it('accepts a valid Deployment (quantities may be numbers, as YAML writes cpu: 1)', () => {
    expect(validateSchema(deployment(), '1.31')).toEqual([]);
  });

  it('reports each unknown field with its path, however deep', () => {
    const violations = validateSchema(deployment({ securityContext: { privilegd: true } }, { replicaz: 3 }), '1.31');
    expect(violations.map((v) => [v.reason, v.path])).toEqual([
      ['unknown-field', 'spec.replicaz'],
      ['unknown-field', 'spec.template.spec.containers[0].securityContext.privilegd'],
    ]);
    expect(violations[0]!.severity).toBe('error');
  });

  it('reports missing required fields and wrong types', () => {
    const noImage = m({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ name: 'http', port: 'eighty' }, { name: 'x' }] },
    });
    const violations = validateSchema(noImage, '1.31');
    expect(violations).toContainEqual(expect.objectContaining({ reason: 'invalid-value', path: 'spec.ports[0].port' }));
    expect(violations).toContainEqual(expect.objectContaining({ reason: 'missing-field', path: 'spec.ports[1].port' }));
  });

  it('lets open maps (labels, annotations, ConfigMap data) hold any key', () => {
    const configMap = m({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { 'a.b/c': 'd' } },
      data: { ANY_KEY: 'v' },
    });
    expect(validateSchema(configMap, '1.31')).toEqual([]);
  });

  it('uses the JSON field names even where the generated models rename reserved words (from, default)', () => {
    const policy = m({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'n' },
      spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] },
    });
    const limits = m({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'l' },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: 1 } }] },
    });
    expect(validateSchema(policy, '1.31')).toEqual([]);
    expect(validateSchema(limits, '1.31')).toEqual([]);
    expect(validateSchema(m({ ...policy, spec: { podSelector: {}, ingress: [{ _from: [] }] } }), '1.31')[0]?.path).toBe(
      'spec.ingress[0]._from',
    );
  });

  it('requires metadata.name, which the schema leaves optional for generateName', () => {
    expect(validateSchema(m({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'c-' } }), '1.31')).toEqual([
      expect.objectContaining({ reason: 'missing-field', path: 'metadata.name' }),
    ]);
  });

  it('rejects an object without apiVersion or kind, and kinds nobody defines', () => {
    expect(validateSchema(m({ metadata: { name: 'x' } }), '1.31')[0]?.reason).toBe('missing-field');
    expect(validateSchema(m({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } }), '1.31')[0]?.reason).toBe(
      'unknown-kind',
    );
  });
});

describe('validateSchema: API lifecycle per target version', () => {
  const pdb = (apiVersion: string) => m({ apiVersion, kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: 1 } });

  it('reports an API removed in the target version as an error', () => {
    const [violation] = validateSchema(pdb('policy/v1beta1'), '1.31');
    expect(violation).toMatchObject({ reason: 'removed-api', severity: 'error' });
    expect(violation!.message).toContain('policy/v1');
  });

  it('reports a deprecated API as a warning, and not on older targets', () => {
    const endpoints = m({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' } });
    expect(validateSchema(endpoints, '1.33')).toEqual([expect.objectContaining({ reason: 'deprecated-api', severity: 'warning' })]);
    expect(validateSchema(endpoints, '1.31')).toEqual([]);
  });

  it('reports an API the target does not serve yet', () => {
    const binding = m({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'b' },
      spec: {},
    });
    expect(validateSchema(binding, '1.29')[0]?.reason).toBe('unavailable-api');
    expect(validateSchema(binding, '1.31')).toEqual([]);
  });

  it('accepts the current versions', () => {
    expect(validateSchema(pdb('policy/v1'), '1.31')).toEqual([]);
  });
});

describe('validateSchema: CRDs in use', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'Argo CD Application',
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'hivebox-dev', namespace: 'argocd' },
        spec: {
          project: 'hivebox',
          destination: { name: 'in-cluster', namespace: 'hivebox-dev' },
          source: { repoURL: 'https://github.com/hivebox-platform/hivebox-gitops.git', path: 'envs/dev', targetRevision: 'main' },
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
        },
      },
      'spec.syncPolicy.automatic',
    ],
    [
      'Argo CD AppProject',
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: { name: 'hivebox' },
        spec: { sourceRepos: ['*'], destinations: [{ namespace: 'hivebox-*', server: '*' }] },
      },
      'spec.sourceRepo',
    ],
    [
      'cert-manager ClusterIssuer',
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        metadata: { name: 'letsencrypt-staging' },
        spec: {
          acme: {
            server: 'https://acme-staging-v02.api.letsencrypt.org/directory',
            privateKeySecretRef: { name: 'k' },
            solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }],
          },
        },
      },
      'spec.acme.emial',
    ],
    [
      'cert-manager Certificate',
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'c' },
        spec: { secretName: 's', dnsNames: ['a.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'i' } },
      },
      'spec.dnsName',
    ],
    [
      'ServiceMonitor',
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 's' },
        spec: { selector: { matchLabels: { app: 'hivebox' } }, endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }] },
      },
      'spec.endpoints[0].intervall',
    ],
    [
      'PrometheusRule',
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: 'r' },
        spec: { groups: [{ name: 'g', rules: [{ alert: 'Down', expr: 'up == 0', for: '5m', labels: { severity: 'page' } }] }] },
      },
      'spec.groups[0].rules[0].expression',
    ],
    [
      'ExternalSecret (external-secrets.io/v1)',
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'minio' },
        spec: {
          refreshInterval: '1h',
          secretStoreRef: { kind: 'ClusterSecretStore', name: 'hivebox-dev' },
          target: { name: 'minio' },
          data: [{ secretKey: 'MINIO_ACCESS_KEY', remoteRef: { key: 'minio', property: 'access' } }],
        },
      },
      'spec.secretStore',
    ],
    [
      'ClusterSecretStore',
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ClusterSecretStore',
        metadata: { name: 's' },
        spec: { provider: { fake: { data: [{ key: 'k', value: 'v' }] } } },
      },
      'spec.providr',
    ],
    [
      'SecretStore',
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: { name: 's' },
        spec: {
          provider: {
            kubernetes: {
              remoteNamespace: 'vault',
              server: { caProvider: { type: 'ConfigMap', name: 'ca', key: 'ca.crt' } },
              auth: { serviceAccount: { name: 'eso' } },
            },
          },
        },
      },
      'spec.provider.kubernetes.remoteNamespaces',
    ],
    [
      'Kyverno ClusterPolicy',
      {
        apiVersion: 'kyverno.io/v1',
        kind: 'ClusterPolicy',
        metadata: { name: 'p' },
        spec: {
          background: true,
          rules: [
            {
              name: 'restricted',
              match: { any: [{ resources: { kinds: ['Pod'], namespaces: ['hivebox-*'] } }] },
              validate: { failureAction: 'Enforce', podSecurity: { level: 'restricted', version: 'latest' } },
            },
            {
              name: 'no-latest',
              match: { any: [{ resources: { kinds: ['Pod'] } }] },
              validate: { message: 'pin', pattern: { spec: { containers: [{ image: '!*:latest' }] } } },
            },
          ],
        },
      },
      'spec.rules[0].validate.podSecurity.levle',
    ],
  ];

  for (const [name, manifest, typo] of cases) {
    it(`${name}: valid passes, an unknown field (${typo}) fails`, () => {
      expect(validateSchema(m(manifest), '1.31')).toEqual([]);
      const broken = structuredClone(manifest);
      setPath(broken, typo, 'x');
      expect(validateSchema(m(broken), '1.31')).toContainEqual(expect.objectContaining({ reason: 'unknown-field', path: typo }));
    });
  }

  it('keeps free-form what upstream marks x-kubernetes-preserve-unknown-fields (Helm valuesObject)', () => {
    const app = m({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'a' },
      spec: {
        project: 'p',
        destination: { name: 'in-cluster' },
        source: { repoURL: 'r', chart: 'c', targetRevision: '1', helm: { valuesObject: { anything: { goes: [1] } } } },
      },
    });
    expect(validateSchema(app, '1.31')).toEqual([]);
  });

  it("checks a CRD's top-level fields besides spec: an Application's operation (a sync requested from Git)", () => {
    const app = (operation: unknown) =>
      m({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'a' },
        spec: { project: 'p', destination: { name: 'in-cluster' }, source: { repoURL: 'r', path: '.', targetRevision: 'main' } },
        operation,
      });
    expect(validateSchema(app({ sync: { prune: true }, initiatedBy: { username: 'someone' } }), '1.31')).toEqual([]);
    expect(validateSchema(app({ sync: { prnue: true } }), '1.31')).toContainEqual(
      expect.objectContaining({ reason: 'unknown-field', path: 'operation.sync.prnue' }),
    );
  });

  it('rejects an old External Secrets API version it has no schema for, naming the one it has', () => {
    const [violation] = validateSchema(
      m({ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'x' } }),
      '1.31',
    );
    expect(violation?.reason).toBe('unknown-kind');
    expect(violation?.message).toContain('the known versions of ExternalSecret are external-secrets.io/v1');
  });
});

describe('registry', () => {
  it('knows the core kinds and every CRD in use, each with its source', () => {
    const kinds = knownKinds().map((k) => `${k.apiVersion}/${k.kind}`);
    for (const expected of [
      'apps/v1/Deployment',
      'networking.k8s.io/v1/NetworkPolicy',
      'argoproj.io/v1alpha1/Application',
      'argoproj.io/v1alpha1/AppProject',
      'cert-manager.io/v1/ClusterIssuer',
      'cert-manager.io/v1/Certificate',
      'monitoring.coreos.com/v1/ServiceMonitor',
      'monitoring.coreos.com/v1/PrometheusRule',
      'external-secrets.io/v1/ExternalSecret',
      'external-secrets.io/v1/ClusterSecretStore',
      'external-secrets.io/v1/SecretStore',
      'kyverno.io/v1/ClusterPolicy',
    ]) {
      expect(kinds).toContain(expected);
    }
    expect(knownKinds().every((k) => k.source.length > 0)).toBe(true);
  });

  it('types (src/imports) and schemas (data/) of every CRD come from the release sources.ts names, the same one for both', () => {
    const root = join(import.meta.dirname, '..');
    for (const source of CRD_FILE_SOURCES) {
      const schemas = JSON.parse(readFileSync(join(root, 'src/schemas/data', `${source.id}.json`), 'utf8')) as { source: string };
      expect(schemas.source, source.id).toBe(source.description);
      if (source.imports === undefined) continue;
      const [first = '', second = ''] = readFileSync(join(root, 'src/imports', `${source.group}.ts`), 'utf8').split('\n');
      expect(first, source.group).toContain(`from the CRDs of ${source.description}:`);
      expect(second, source.group).toContain(`// ${source.imports.join(', ')}.`);
    }
  });

  it('writes field paths the way kubectl does', () => {
    expect(fieldPath('/spec/template/spec/containers/0/image')).toBe('spec.template.spec.containers[0].image');
    expect(fieldPath('/metadata/annotations', 'a.b~1c')).toBe('metadata.annotations["a.b~1c"]');
  });
});

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}
