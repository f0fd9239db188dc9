/**
 * What each cluster needs on top of the platform charts, derived from the
 * environments it hosts: the cert-manager ClusterIssuers they use, the Kyverno
 * policies guarding their namespaces, one External Secrets store each, and the
 * Secrets its Argo CD reads (notification tokens, SSO client, repository credentials).
 * Each list is deployed by the component's own Application (as an extra
 * source), one sync wave after the chart so its CRDs and webhooks exist.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { ClusterIssuer } from '../imports/cert-manager.io.ts';
import {
  ClusterSecretStore,
  ClusterSecretStoreSpecProviderKubernetesServerCaProviderType,
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
  type ExternalSecretSpec,
} from '../imports/external-secrets.io.ts';
import {
  ClusterPolicy,
  ClusterPolicySpecRulesValidateFailureAction,
  ClusterPolicySpecRulesValidatePodSecurityLevel,
  ClusterPolicySpecRulesValidatePodSecurityVersion,
  ClusterPolicySpecRulesVerifyImagesFailureAction,
  type ClusterPolicySpecRules,
} from '../imports/kyverno.io.ts';
import type { Environment } from '../config/environment.ts';
import { PLATFORM_SECRETS_NAMESPACE, secretSourceNamespace } from '../config/namespaces.ts';
import { InputError } from '../errors.ts';
import type { Manifest } from '../kube/manifest.ts';
import {
  ARGO_CD,
  ARGOCD_NAMESPACE,
  CERT_MANAGER,
  componentByName,
  ENVOY_GATEWAY,
  EXTERNAL_DNS,
  EXTERNAL_SECRETS,
  GATEWAY_API_GROUP,
  KUBE_PROMETHEUS_STACK,
  KYVERNO,
  MONITORING_NAMESPACE,
  OPENCOST,
} from '../catalog/components.ts';
import { SHARED_GATEWAY } from '../constructs/cluster-peers.ts';
import { isManualCluster } from '../config/clusters.ts';
import { sharedGateway } from './gateway.ts';
import { costDashboard } from './cost-dashboard.ts';
import { IMAGE_SIGNER, REKOR_URL, signerSubjectRegExp } from './signing.ts';

/** The ACME account Let's Encrypt sends expiry notices to. */
export const ACME_EMAIL = 'platform@hivebox.example.com';

export const CLUSTER_ISSUERS = {
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
  'letsencrypt-production': 'https://acme-v02.api.letsencrypt.org/directory',
} as const;

// Applied after the chart's own wave, and without a dry run: on the first sync the CRD does not exist yet.
const AFTER_CHART = {
  'argocd.argoproj.io/sync-wave': '1',
  'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
};

/**
 * The platform's own credentials (Grafana's admin, Argo CD's notification tokens,
 * the DNS provider's token…) live as Secrets in one source namespace per cluster,
 * served by one ClusterSecretStore that only the platform namespaces may use.
 */
export const PLATFORM_SECRET_STORE = 'platform';
export { PLATFORM_SECRETS_NAMESPACE, secretSourceNamespace };

/**
 * The namespaces that may read the platform store: Grafana's admin (monitoring), ExternalDNS's DNS
 * provider token (external-dns) and Argo CD's own credentials (argocd).
 */
export const PLATFORM_SECRET_CONSUMERS: readonly string[] = [
  ARGOCD_NAMESPACE,
  componentByName(EXTERNAL_DNS).namespace,
  MONITORING_NAMESPACE,
].sort();

/** One Secret in the platform store: its name (in platform-secrets and, the same, in its namespace) and keys. */
export interface PlatformSecret {
  readonly name: string;
  readonly namespace: string;
  readonly keys: readonly string[];
}

/** Grafana's admin login: charts/kube-prometheus-stack/values.yaml names it in grafana.admin (existingSecret, userKey, passwordKey). */
export const GRAFANA_ADMIN_SECRET: PlatformSecret = {
  name: 'grafana-admin',
  namespace: MONITORING_NAMESPACE,
  keys: ['admin-user', 'admin-password'],
};

/** The Cloudflare API token ExternalDNS reads (charts/external-dns/values.yaml, env CF_API_TOKEN). */
export const DNS_PROVIDER_SECRET: PlatformSecret = {
  name: 'external-dns-cloudflare',
  namespace: componentByName(EXTERNAL_DNS).namespace,
  keys: ['api-token'],
};

/*
 * Before the chart's own resources (wave -1): the chart's pods read these Secrets at start, and Argo CD
 * applies a later wave only once every resource of the earlier ones is healthy, so a Secret in a wave
 * after the chart would never come. No dry run: on a new cluster the ExternalSecret CRD may not exist
 * yet when this Application first syncs.
 */
const BEFORE_CHART = {
  'argocd.argoproj.io/sync-wave': '-1',
  'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
};

/** The components with extra manifests, by name, for one cluster. Empty lists are left out. */
export function clusterConfig(cluster: string, environments: readonly Environment[]): Map<string, Manifest[]> {
  const envs = environments.filter((env) => env.cluster === cluster);
  const config = new Map<string, Manifest[]>();
  config.set(
    CERT_MANAGER,
    render((chart) => clusterIssuers(chart, envs)),
  );
  config.set(
    ENVOY_GATEWAY,
    render((chart) => sharedGateway(chart, cluster, envs, isManualCluster(cluster, environments))),
  );
  config.set(
    KYVERNO,
    render((chart) => policies(chart, envs)),
  );
  config.set(
    EXTERNAL_SECRETS,
    render((chart) => secretStores(chart, envs)),
  );
  config.set(
    KUBE_PROMETHEUS_STACK,
    render((chart) => platformSecret(chart, GRAFANA_ADMIN_SECRET)),
  );
  config.set(
    EXTERNAL_DNS,
    render((chart) => platformSecret(chart, DNS_PROVIDER_SECRET)),
  );
  config.set(
    ARGO_CD,
    render((chart) => argoCdSecrets(chart, envs)),
  );
  config.set(
    OPENCOST,
    render((chart) => costDashboard(chart, cluster, componentByName(OPENCOST).namespace, envs)),
  );
  for (const [name, manifests] of config) if (manifests.length === 0) config.delete(name);
  return config;
}

function render(build: (chart: Chart) => void): Manifest[] {
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });
  build(chart);
  return chart.toJson() as Manifest[];
}

function clusterIssuers(chart: Chart, envs: readonly Environment[]): void {
  const names = [...new Set(envs.map((env) => issuerOf(env)))].sort();
  for (const name of names) {
    new ClusterIssuer(chart, name, {
      metadata: { name, annotations: AFTER_CHART },
      spec: {
        acme: {
          server: CLUSTER_ISSUERS[name],
          email: ACME_EMAIL,
          privateKeySecretRef: { name: `${name}-account-key` },
          // HTTP-01 through the cluster's Gateway, not DNS-01: it needs no DNS provider credentials in
          // cert-manager (ExternalDNS's token stays ExternalDNS's alone) and proves exactly the path users
          // take. Its HTTPRoute attaches to the listener that only redirects otherwise.
          solvers: [
            {
              http01: {
                gatewayHttpRoute: {
                  parentRefs: [
                    {
                      group: GATEWAY_API_GROUP,
                      kind: 'Gateway',
                      namespace: SHARED_GATEWAY.namespace,
                      name: SHARED_GATEWAY.name,
                      sectionName: SHARED_GATEWAY.httpListener,
                    },
                  ],
                },
              },
            },
          ],
        },
      },
    });
  }
}

function issuerOf(env: Environment): keyof typeof CLUSTER_ISSUERS {
  const issuer = env.route.tlsIssuer;
  if (!(issuer in CLUSTER_ISSUERS)) {
    throw new InputError(
      env.file,
      'route.tlsIssuer',
      `one of the ClusterIssuers the platform defines: ${Object.keys(CLUSTER_ISSUERS).join(', ')}`,
    );
  }
  return issuer as keyof typeof CLUSTER_ISSUERS;
}

/**
 * Kyverno enforces in the HiveBox namespaces what the API server's Pod Security
 * admission already does, plus what it cannot: pinned tags, resources, and a
 * signature from the HiveBox release workflow. Platform namespaces are left to
 * their charts (node exporters and log collectors need host access).
 */
function policies(chart: Chart, envs: readonly Environment[]): void {
  if (envs.length === 0) return;
  const namespaces = envs.map((env) => env.namespace).sort();
  const match = { any: [{ resources: { kinds: ['Pod'], namespaces } }] };
  const enforce = ClusterPolicySpecRulesValidateFailureAction.ENFORCE;
  const policy = (name: string, title: string, description: string, rules: ClusterPolicySpecRules[], extra: Record<string, string> = {}) =>
    new ClusterPolicy(chart, name, {
      metadata: {
        name,
        annotations: { ...AFTER_CHART, 'policies.kyverno.io/title': title, 'policies.kyverno.io/description': description, ...extra },
      },
      spec: { background: true, rules },
    });

  policy(
    'hivebox-pod-security-restricted',
    'Pod Security restricted',
    'Pods in HiveBox namespaces meet the Pod Security Standard "restricted".',
    [
      {
        name: 'restricted',
        match,
        validate: {
          failureAction: enforce,
          podSecurity: {
            level: ClusterPolicySpecRulesValidatePodSecurityLevel.RESTRICTED,
            version: ClusterPolicySpecRulesValidatePodSecurityVersion.LATEST,
          },
        },
      },
    ],
  );
  policy('hivebox-disallow-latest-tag', 'No :latest', 'Images carry a pinned tag or a digest, never :latest or no tag at all.', [
    {
      name: 'require-tag-or-digest',
      match,
      validate: {
        failureAction: enforce,
        message: 'Give every image a pinned tag or a digest.',
        pattern: { spec: { '=(initContainers)': [{ image: '*:*' }], containers: [{ image: '*:*' }] } },
      },
    },
    {
      name: 'disallow-latest',
      match,
      validate: {
        failureAction: enforce,
        message: 'The :latest tag is not allowed; pin a version.',
        pattern: { spec: { '=(initContainers)': [{ image: '!*:latest' }], containers: [{ image: '!*:latest' }] } },
      },
    },
  ]);
  policy('hivebox-require-resources', 'Resources required', 'Every container requests CPU and memory and has a memory limit.', [
    {
      name: 'requests-and-limits',
      match,
      validate: {
        failureAction: enforce,
        message: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.',
        pattern: {
          spec: {
            '=(initContainers)': [{ resources: { requests: { cpu: '?*', memory: '?*' }, limits: { memory: '?*' } } }],
            containers: [{ resources: { requests: { cpu: '?*', memory: '?*' }, limits: { memory: '?*' } } }],
          },
        },
      },
    },
  ]);
  const repositories = [...new Set(envs.map((env) => env.image.repository))].sort();
  policy(
    'hivebox-verify-image-signature',
    'HiveBox image signed',
    `The HiveBox image is signed keyless (cosign, Rekor) by ${IMAGE_SIGNER.workflow} of github.com/${IMAGE_SIGNER.repository}, run for a release tag.`,
    [
      {
        name: 'cosign-keyless',
        match,
        verifyImages: [
          {
            imageReferences: repositories.map((repository) => `${repository}*`),
            failureAction: ClusterPolicySpecRulesVerifyImagesFailureAction.ENFORCE,
            mutateDigest: true,
            verifyDigest: false,
            required: true,
            attestors: [
              {
                // subjectRegExp, anchored: Kyverno's `subject` wildcard would let `*` span `/` and `@` (src/platform/signing.ts).
                entries: [
                  { keyless: { subjectRegExp: signerSubjectRegExp(IMAGE_SIGNER), issuer: IMAGE_SIGNER.issuer, rekor: { url: REKOR_URL } } },
                ],
              },
            ],
          },
        ],
      },
    ],
    // Pods only: rules auto-generated for Deployments would pin the digest into
    // the Deployment itself, which Argo CD would then see as drift and revert.
    { 'pod-policies.kyverno.io/autogen-controllers': 'none' },
  );
}

/**
 * One ClusterSecretStore per environment, named as the environment's
 * `secretStore`, and one for the platform (`platform`). Each uses the
 * Kubernetes provider: the values live as Secrets in a source namespace that
 * only the platform team can write (`hivebox-<env>-secrets`, `platform-secrets`),
 * the store reads only there, with its own ServiceAccount, and only the
 * namespaces that consume it may use it (the environment's; the platform
 * namespaces in PLATFORM_SECRET_CONSUMERS). A cloud secret manager replaces the
 * provider block and nothing else.
 */
function secretStores(chart: Chart, envs: readonly Environment[]): void {
  if (envs.length > 0) {
    kubernetesStore(chart, 'platform', {
      store: PLATFORM_SECRET_STORE,
      source: PLATFORM_SECRETS_NAMESPACE,
      consumers: PLATFORM_SECRET_CONSUMERS,
      labels: { 'app.kubernetes.io/part-of': 'platform' },
    });
  }
  for (const env of [...envs].sort((a, b) => a.name.localeCompare(b.name))) {
    kubernetesStore(chart, `env-${env.name}`, {
      store: env.secretStore,
      source: secretSourceNamespace(env),
      consumers: [env.namespace],
      labels: { 'hivebox.dev/environment': env.name },
    });
  }
}

interface KubernetesStoreProps {
  /** The ClusterSecretStore's name. */
  readonly store: string;
  /** The namespace holding the Secrets it serves. */
  readonly source: string;
  /** The only namespaces whose ExternalSecrets may use it. */
  readonly consumers: readonly string[];
  readonly labels: Record<string, string>;
}

/** The source namespace (Pod Security restricted), a reader ServiceAccount allowed only its Secrets, and the store. */
function kubernetesStore(chart: Chart, id: string, { store, source, consumers, labels }: KubernetesStoreProps): void {
  const reader = `${store}-reader`;
  new ApiObject(chart, `${id}-namespace`, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: source,
      labels: {
        ...labels,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  });
  new ApiObject(chart, `${id}-reader`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: reader, namespace: source, labels },
    automountServiceAccountToken: false,
  });
  new ApiObject(chart, `${id}-role`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: reader, namespace: source, labels },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
  });
  new ApiObject(chart, `${id}-binding`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: reader, namespace: source, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: reader },
    subjects: [{ kind: 'ServiceAccount', name: reader, namespace: source }],
  });
  new ClusterSecretStore(chart, `${id}-store`, {
    metadata: { name: store, labels, annotations: AFTER_CHART },
    spec: {
      conditions: [{ namespaces: [...consumers] }],
      provider: {
        kubernetes: {
          remoteNamespace: source,
          server: {
            caProvider: {
              type: ClusterSecretStoreSpecProviderKubernetesServerCaProviderType.CONFIG_MAP,
              name: 'kube-root-ca.crt',
              key: 'ca.crt',
              namespace: source,
            },
          },
          auth: { serviceAccount: { name: reader, namespace: source } },
        },
      },
    },
  });
}

/**
 * An ExternalSecret that copies one Secret of the platform store into the
 * namespace of the chart that reads it, under the same name and keys.
 */
function platformSecret(chart: Chart, secret: PlatformSecret): void {
  new ExternalSecret(chart, secret.name, {
    metadata: {
      name: secret.name,
      namespace: secret.namespace,
      labels: { 'app.kubernetes.io/part-of': 'platform' },
      annotations: BEFORE_CHART,
    },
    spec: {
      // How soon a rotation in platform-secrets reaches the chart (docs/runbooks/rotate-a-secret.md).
      refreshInterval: '1h',
      secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: PLATFORM_SECRET_STORE },
      target: {
        name: secret.name,
        creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
        deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
      },
      data: secret.keys.map((key) => ({ secretKey: key, remoteRef: { key: secret.name, property: key } })),
    },
  });
}

/** The Secret the notifications controller reads its service tokens from (`$<key>` in charts/argo-cd/values*.yaml). */
export const ARGOCD_NOTIFICATIONS_SECRET = 'argocd-notifications-secret';
/** The SSO client (`$argocd-sso:clientID`, `$argocd-sso:clientSecret` in oidc.config). */
export const ARGOCD_SSO_SECRET: PlatformSecret = { name: 'argocd-sso', namespace: ARGOCD_NAMESPACE, keys: ['clientID', 'clientSecret'] };
/**
 * Credentials for a private fork: every key of the source Secret (url, and username/password or a
 * GitHub App's githubAppID, githubAppInstallationID, githubAppPrivateKey), an Argo CD credential
 * template for the URL prefix.
 */
export const ARGOCD_REPO_CREDS_SECRET = 'argocd-repo-creds';

/**
 * The keys of argocd-notifications-secret a cluster needs, from the subscriptions of its environments:
 * the Slack bot token, and one PagerDuty Events v2 routing key per recipient (service.pagerdutyv2's
 * serviceKeys name them `$pagerduty-routing-key-<recipient>`).
 */
export function notificationSecretKeys(envs: readonly Environment[]): string[] {
  const keys = new Set<string>();
  for (const env of envs) {
    for (const subscription of Object.values(env.notifications).flat()) {
      const separator = subscription.indexOf(':');
      const service = subscription.slice(0, separator);
      if (service === 'slack') keys.add('slack-token');
      if (service === 'pagerdutyv2') keys.add(`pagerduty-routing-key-${subscription.slice(separator + 1)}`);
    }
  }
  return [...keys].sort();
}

/** The notification tokens of a cluster's Argo CD, as a platform Secret. */
export function argoCdNotificationsSecret(envs: readonly Environment[]): PlatformSecret {
  return { name: ARGOCD_NOTIFICATIONS_SECRET, namespace: ARGOCD_NAMESPACE, keys: notificationSecretKeys(envs) };
}

/*
 * Argo CD's own credentials, each an ExternalSecret of the same name as its Secret in platform-secrets.
 * After the chart (wave 1): Argo CD reads them while it runs (argocd-server watches Secrets labelled
 * part-of argocd, the notifications controller its Secret), so its own upgrade never waits for them.
 */
function argoCdSecrets(chart: Chart, envs: readonly Environment[]): void {
  const externalSecret = (
    name: string,
    spec: Pick<ExternalSecretSpec, 'data' | 'dataFrom'>,
    labels?: Record<string, string>,
    annotations: Record<string, string> = {},
  ) =>
    new ExternalSecret(chart, name, {
      metadata: {
        name,
        namespace: ARGOCD_NAMESPACE,
        labels: { 'app.kubernetes.io/part-of': 'platform' },
        annotations: { ...AFTER_CHART, ...annotations },
      },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: PLATFORM_SECRET_STORE },
        target: {
          name,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
          ...(labels ? { template: { metadata: { labels } } } : {}),
        },
        ...spec,
      },
    });
  const keysOf = (secret: PlatformSecret) => ({
    data: secret.keys.map((key) => ({ secretKey: key, remoteRef: { key: secret.name, property: key } })),
  });

  const notifications = argoCdNotificationsSecret(envs);
  if (notifications.keys.length > 0) externalSecret(notifications.name, keysOf(notifications));
  // Argo CD resolves `$argocd-sso:<key>` only in Secrets labelled part-of argocd.
  externalSecret(ARGOCD_SSO_SECRET.name, keysOf(ARGOCD_SSO_SECRET), { 'app.kubernetes.io/part-of': 'argocd' });
  // A public repository needs no credentials: until its source exists, this one must not hold up the argo-cd Application's health.
  externalSecret(
    ARGOCD_REPO_CREDS_SECRET,
    { dataFrom: [{ extract: { key: ARGOCD_REPO_CREDS_SECRET } }] },
    { 'argocd.argoproj.io/secret-type': 'repo-creds' },
    {
      'argocd.argoproj.io/ignore-healthcheck': 'true',
    },
  );
}
