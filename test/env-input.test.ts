/**
 * What env.yaml may say: values that Kubernetes or Argo CD would refuse, or that would break the cluster,
 * are refused with the file and field path; values Kubernetes accepts are accepted. Loaded directly (no
 * synth), so each case costs a file write: the CLI's exit code and message for a few of them are in
 * bad-input.test.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { notificationSubscriptions } from '../src/argocd/applications.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { namespaceProblem } from '../src/config/namespaces.ts';
import { InputError } from '../src/errors.ts';
import { PLATFORM_COMPONENTS } from '../src/catalog/components.ts';
import { tempRepo } from './support/repo.ts';

const HOST = 'route:\n  host: qa.hivebox.example.com\n';

let repo: ReturnType<typeof tempRepo>;
const written: string[] = [];
beforeAll(() => {
  repo = tempRepo();
});
afterEach(() => {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => repo.cleanup());

/** Writes envs/<name>/env.yaml for each entry (removed after the test) and loads every environment. */
function load(files: Record<string, string>) {
  for (const [name, content] of Object.entries(files)) {
    const dir = join(repo.root, 'envs', name);
    mkdirSync(dir, { recursive: true });
    written.push(dir);
    writeFileSync(join(dir, 'env.yaml'), content);
  }
  return loadEnvironments(repo.root);
}

/** The one-line message loading gives, or undefined when it loads. */
function problem(files: Record<string, string>): string | undefined {
  try {
    load(files);
    return undefined;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.message;
  }
}

const qa = (content: string) => problem({ qa: `${HOST}${content}` });

describe('namespaces an environment may not take', () => {
  it("refuses Kubernetes' own, Argo CD's and every platform component's namespace", () => {
    const platform = [...new Set(PLATFORM_COMPONENTS.map((component) => component.namespace))];
    expect(platform).toEqual(expect.arrayContaining(['argocd', 'cert-manager', 'monitoring']));
    for (const namespace of [
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
      'kube-anything',
      'platform-secrets',
      ...platform,
    ]) {
      expect(namespaceProblem(namespace), namespace).toMatch(
        new RegExp(`^expected a namespace of the environment's own; "${namespace}" belongs to `),
      );
    }
    expect(qa('namespace: argocd\n')).toMatch(
      /^envs\/qa\/env\.yaml: namespace: expected a namespace of the environment's own; "argocd" belongs to Argo CD$/,
    );
    expect(qa('namespace: cert-manager\n')).toMatch(/belongs to the platform \(cert-manager\)$/);
    expect(qa('namespace: hivebox-qa-2\n')).toBeUndefined();
  });

  it('refuses a namespace another environment has, on the same cluster, also for its credentials', () => {
    expect(qa('cluster: nonprod\nnamespace: hivebox-dev\n')).toMatch(
      /^envs\/qa\/env\.yaml: namespace: expected a namespace of its own on cluster nonprod; "hivebox-dev" is also dev's$/,
    );
    expect(qa('cluster: nonprod\nnamespace: hivebox-dev-secrets\n')).toMatch(
      /namespace: expected a namespace of its own on cluster nonprod; "hivebox-dev-secrets"/,
    );
    // Another cluster has a hivebox-dev of its own to give.
    expect(qa('cluster: elsewhere\nnamespace: hivebox-dev\n')).toBeUndefined();
  });

  it('refuses a namespace too long for the credentials namespace beside it', () => {
    expect(qa(`namespace: ${'a'.repeat(56)}\n`)).toMatch(
      /namespace: expected a namespace of at most 55 characters: synth keeps the environment's credentials in "a{56}-secrets"/,
    );
    expect(qa(`namespace: ${'a'.repeat(55)}\n`)).toBeUndefined();
  });
});

describe('environments env.yaml names', () => {
  it('must exist: validation.mirrors as promotesFrom', () => {
    expect(qa('validation:\n  mirrors: prdo\n')).toMatch(
      /^envs\/qa\/env\.yaml: validation\.mirrors: expected the name of another environment \(one of dev, prod, qa, staging\), got "prdo"$/,
    );
    expect(qa('promotesFrom: prdo\n')).toMatch(/^envs\/qa\/env\.yaml: promotesFrom: expected the name of another environment/);
    expect(qa('validation:\n  mirrors: prod\n')).toBeUndefined();
  });

  it('must be another environment', () => {
    expect(qa('validation:\n  mirrors: qa\n')).toMatch(/validation\.mirrors: expected another environment, not itself$/);
    expect(qa('promotesFrom: qa\n')).toMatch(/promotesFrom: expected another environment, not itself$/);
  });

  it('must not promote in a circle', () => {
    const message = problem({
      qa: `${HOST}promotesFrom: qb\n`,
      qb: 'route:\n  host: qb.hivebox.example.com\npromotesFrom: qa\n',
    });
    expect(message).toMatch(/^envs\/qa\/env\.yaml: promotesFrom: expected a promotion order without cycles; qa ← qb ← qa$/);
  });
});

describe('values that Kubernetes would refuse or that would break the environment', () => {
  const refused: ReadonlyArray<readonly [string, string, RegExp]> = [
    [
      'an IP address as the host',
      'route:\n  host: 10.0.0.1\n',
      /route\.host: expected host: a DNS name such as hivebox\.example\.com, not an IP address, got "10\.0\.0\.1"/,
    ],
    ['an IP address with leading zeros', 'route:\n  host: 010.000.000.001\n', /route\.host: expected host: a DNS name .*not an IP address/],
    [
      'a zero storage size',
      'valkey:\n  mode: in-cluster\n  storage: 0Gi\n',
      /valkey\.storage: expected storage: a Kubernetes quantity greater than zero.*\(this one is zero\), got "0Gi"/,
    ],
    [
      'a negative memory quota',
      'quota:\n  memory: -1Gi\n',
      /quota\.memory: expected memory: a Kubernetes quantity greater than zero.*\(this one is negative\), got "-1Gi"/,
    ],
    [
      'a zero memory limit',
      'resources:\n  requests:\n    cpu: "0.1"\n    memory: 64Mi\n  limits:\n    cpu: "1"\n    memory: "0"\n',
      /resources\.limits\.memory: expected memory: a Kubernetes quantity greater than zero/,
    ],
    [
      'a zero storage quota',
      'quota:\n  storage: "0"\n',
      /quota\.storage: expected storage: a Kubernetes quantity greater than zero.*\(this one is zero\)/,
    ],
    [
      '"1.5 cores"',
      'quota:\n  cpu: 1.5 cores\n',
      /quota\.cpu: expected cpu: a Kubernetes quantity greater than zero, such as 250m, 1, 512Mi, 1Gi or 100e9, got "1\.5 cores"/,
    ],
    ['"1GB"', 'minio:\n  mode: in-cluster\n  storage: 1GB\n', /minio\.storage: expected storage: a Kubernetes quantity/],
    [
      'port 0 of an external Valkey',
      'valkey:\n  mode: external\n  host: valkey.example.com\n  port: 0\n',
      /valkey\.port: expected a value >= 1, got 0/,
    ],
    [
      'port 70000 of an external Valkey',
      'valkey:\n  mode: external\n  host: valkey.example.com\n  port: 70000\n',
      /valkey\.port: expected a value <= 65535, got 70000/,
    ],
    [
      'port 99999 of an S3 endpoint',
      'minio:\n  mode: external\n  endpoint: s3.example.com:99999\n',
      /minio\.endpoint: expected host:port of the external S3 endpoint \(a DNS name or an IPv4 address, a port from 1 to 65535\)/,
    ],
    ['port 0 of an S3 endpoint', 'minio:\n  mode: external\n  endpoint: s3.example.com:0\n', /minio\.endpoint: expected host:port/],
    [
      'a recipient with ";"',
      'notifications:\n  onDeployed: ["slack:a;b"]\n',
      /notifications\.onDeployed\[0\]: expected a subscription "<service>:<recipient>"/,
    ],
    [
      'a recipient with a space',
      'notifications:\n  onDeployed: ["slack:a b"]\n',
      /notifications\.onDeployed\[0\]: expected a subscription/,
    ],
    [
      'a recipient with a line break',
      'notifications:\n  onDeployed: ["slack:a\\nb"]\n',
      /notifications\.onDeployed\[0\]: expected a subscription/,
    ],
    ['a service ending in "-"', 'notifications:\n  onDeployed: ["slack-:a"]\n', /notifications\.onDeployed\[0\]: expected a subscription/],
    [
      'a service too long for an annotation key',
      `notifications:\n  onDeployed: ["${'s'.repeat(35)}:a"]\n`,
      /notifications\.onDeployed\[0\]: expected a subscription/,
    ],
    [
      'a storage class that is no DNS subdomain',
      'valkey:\n  mode: in-cluster\n  storageClassName: Fast_SSD\n',
      /valkey\.storageClassName: expected storageClassName: a DNS subdomain/,
    ],
  ];
  for (const [name, content, message] of refused) {
    it(`refuses ${name}`, () => {
      const text = content.startsWith('route:') ? content : `${HOST}${content}`;
      expect(problem({ qa: text })).toMatch(new RegExp(`^envs/qa/env\\.yaml: ${message.source}`));
    });
  }

  it('accepts what Kubernetes accepts: 100e9, a DNS subdomain as storage class, any recipient Argo CD can split', () => {
    const envs = load({
      qa: `${HOST}valkey:\n  mode: in-cluster\n  storage: "100e9"\n  storageClassName: fast.ssd.example\nquota:\n  storage: 1.5Ti\n  memory: "8e9"\n  cpu: "2.5"\nnotifications:\n  onDeployed: ["${'s'.repeat(34)}:hivebox@example.com", "webhook:https://example.com/hook?x=1"]\nminio:\n  mode: external\n  endpoint: 10.0.0.7:9000\n`,
    });
    const env = envs.find((e) => e.name === 'qa')!;
    expect(env.valkey).toEqual({ mode: 'in-cluster', storage: '100e9', storageClassName: 'fast.ssd.example' });
    expect(env.quota).toMatchObject({ storage: '1.5Ti', memory: '8e9', cpu: '2.5' });
  });

  it('reads an unquoted number as Kubernetes reads a JSON number, unless YAML lost digits of it', () => {
    const [env] = load({ qa: `${HOST}quota:\n  cpu: 2\n  memory: 8e9\n  storage: 100e9\n` }).filter((e) => e.name === 'qa');
    expect(env!.quota).toMatchObject({ cpu: '2', memory: '8000000000', storage: '100000000000' });
    expect(qa('quota:\n  storage: 12345678901234567890\n')).toMatch(
      /quota\.storage: expected storage: a Kubernetes quantity .*: write a number this large in quotes/,
    );
    expect(qa('quota:\n  cpu: 0\n')).toMatch(/quota\.cpu: expected cpu: a Kubernetes quantity greater than zero.*\(this one is zero\)/);
    expect(qa('quota:\n  cpu: true\n')).toMatch(
      /quota\.cpu: expected cpu: a Kubernetes quantity greater than zero, such as 250m, 1, 512Mi, 1Gi or 100e9, got true$/,
    );
  });

  it('compares a request with its limit exactly, across suffixes', () => {
    const resources = (request: string, limit: string) =>
      `resources:\n  requests:\n    cpu: 100m\n    memory: "${request}"\n  limits:\n    cpu: 100m\n    memory: "${limit}"\n`;
    expect(qa(resources('1Gi', '1G'))).toMatch(/resources\.requests\.memory: expected a request no larger than limits\.memory \(1G\)/);
    expect(qa(resources('1000000001', '1G'))).toMatch(/resources\.requests\.memory: expected a request no larger than limits\.memory/);
    expect(qa(resources('1e9', '1G'))).toBeUndefined();
    expect(qa(resources('0.5Gi', '512Mi'))).toBeUndefined();
  });

  it('keeps every notification annotation key a valid Kubernetes qualified name, for the longest service it accepts', () => {
    const service = 's'.repeat(34);
    const [env] = load({
      qa: `${HOST}notifications:\n  onSyncFailed: [${service}:a]\n  onHealthDegraded: [${service}:a]\n  onDeployed: [${service}:a]\n`,
    }).filter((e) => e.name === 'qa');
    const keys = Object.keys(notificationSubscriptions(env!));
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      // k8s.io/apimachinery content.IsLabelKey: <DNS subdomain prefix>/<name>, the name at most 63 characters.
      const [prefix, name] = key.split('/');
      expect(prefix).toBe('notifications.argoproj.io');
      expect(name, key).toMatch(/^(?=.{1,63}$)([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/);
    }
  });
});

describe('YAML that is not plain data', () => {
  it('refuses an unknown tag instead of reading it as a string', () => {
    expect(qa('secretStore: !Ref vault\n')).toMatch(
      /^envs\/qa\/env\.yaml: line 3, column 14: expected plain YAML without custom tags \(Unresolved tag: !Ref\)$/,
    );
    expect(qa('app:\n  logLevel: !!js/function info\n')).toMatch(
      /: expected plain YAML without custom tags \(Unresolved tag: tag:yaml\.org,2002:js\/function\)$/,
    );
  });

  it('refuses aliases that expand past the limit, and accepts a few', () => {
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ];
    expect(qa(`${laughs.join('\n')}\n`)).toMatch(
      /^envs\/qa\/env\.yaml: expected YAML whose aliases \(\*name\) stay within bounds; the aliases expand past the limit of 100 \(yaml's maxAliasCount\)/,
    );
    expect(qa('scaling: &s\n  minReplicas: 2\nresources:\n  requests: &r {cpu: 100m, memory: 128Mi}\n  limits: *r\n')).toBeUndefined();
  });
});
