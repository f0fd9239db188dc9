/**
 * Argo CD as a platform component: the exact chart pin, and what its values
 * make each cluster's Argo CD do — the health check that gives app-of-apps
 * waves their meaning, tracking, refresh, SSO, RBAC (only role:release syncs
 * prod), notifications whose every subscription resolves, and secrets that
 * arrive through External Secrets rather than the chart.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { synthesizeArgoCd } from '../src/argocd/index.ts';
import { loadEnvironments } from '../src/config/load.ts';
import {
  ARGOCD_NOTIFICATIONS_SECRET,
  ARGOCD_REPO_CREDS_SECRET,
  ARGOCD_SSO_SECRET,
  clusterConfig,
  PLATFORM_SECRET_STORE,
} from '../src/platform/cluster-config.ts';
import { ARGO_CD, componentByName } from '../src/catalog/components.ts';
import { loadChartValues } from '../src/platform/values.ts';
import { repositoryInfo } from '../src/config/repository.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { allows, BUILTIN_POLICY, parsePolicy } from '../src/validate/checks/argocd-rbac.ts';
import { validateManifests } from '../src/validate/index.ts';

const ROOT = join(import.meta.dirname, '..');
const environments = loadEnvironments(ROOT);
const repo = repositoryInfo(ROOT);
const clusters = [...new Set(environments.map((env) => env.cluster))].sort();

// Parsed YAML: the tests navigate it freely.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const valuesOf = (cluster: string): Any => loadChartValues(ROOT, ARGO_CD, cluster).values;

/** docs/operator-manual/health.md ("Argocd App"), Argo CD 3.4 and 3.5 alike. */
const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

describe('the argo-cd component', () => {
  it('pins argo-helm argo-cd 10.1.1 (Argo CD 3.4) into argocd, with server-side apply for its large CRDs', () => {
    expect(componentByName(ARGO_CD)).toMatchObject({
      repoURL: 'https://argoproj.github.io/argo-helm',
      chart: 'argo-cd',
      version: '10.1.1',
      namespace: 'argocd',
      syncOptions: ['ServerSideApply=true'],
      crdGroups: ['argoproj.io'],
      customKinds: [],
    });
    expect(
      componentByName(ARGO_CD)
        .clusterKinds.map((k) => `${k.group}/${k.kind}`)
        .sort(),
    ).toEqual([
      'apiextensions.k8s.io/CustomResourceDefinition',
      'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/ClusterRoleBinding',
    ]);
  });

  it("runs an Argo CD image of the chart's own minor (3.4)", () => {
    for (const cluster of clusters) expect(valuesOf(cluster).global.image.tag, cluster).toMatch(/^v3\.4\.\d+$/);
  });
});

describe.each(clusters)('Argo CD on %s', (cluster) => {
  const values = valuesOf(cluster);
  const cm = values.configs.cm;

  it('assesses Application health exactly as the Argo CD docs give it, tracks by annotation, refreshes every 5 minutes at most', () => {
    expect(cm['resource.customizations.health.argoproj.io_Application']).toBe(APPLICATION_HEALTH_LUA);
    expect(cm['application.resourceTrackingMethod']).toBe('annotation');
    expect(cm['timeout.reconciliation']).toBe('300s');
    expect(cm['application.sync.requireOverridePrivilegeForRevisionSync']).toBe('true');
  });

  it('has no local admin and signs people in through OIDC with a client from the argocd-sso Secret', () => {
    expect(cm['admin.enabled']).toBe(false);
    expect(values.dex.enabled).toBe(false);
    const oidc = parse(cm['oidc.config']);
    expect(oidc).toMatchObject({
      clientID: `$${ARGOCD_SSO_SECRET.name}:clientID`,
      clientSecret: `$${ARGOCD_SSO_SECRET.name}:clientSecret`,
    });
    expect(oidc.requestedScopes).toContain('groups');
    expect(values.configs.rbac.scopes).toBe('[groups]');
    const sso = clusterConfig(cluster, environments)
      .get(ARGO_CD)!
      .find((m) => m.metadata.name === ARGOCD_SSO_SECRET.name) as Any;
    // Argo CD resolves $<secret>:<key> only in Secrets labelled part-of argocd.
    expect(sso.spec.target.template.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'argocd' });
    expect(sso.spec.data.map((d: Any) => d.secretKey).sort()).toEqual(['clientID', 'clientSecret']);
    expect(sso.spec.data.map((d: Any) => d.remoteRef.key)).toEqual([ARGOCD_SSO_SECRET.name, ARGOCD_SSO_SECRET.name]);
  });

  it('gives signed-in users nothing by default and nobody every action on everything', () => {
    expect(values.configs.rbac['policy.default']).toBe('');
    const policy = parsePolicy(BUILTIN_POLICY, values.configs.rbac['policy.csv']);
    expect(policy.errors).toEqual([]);
    for (const [member, roles] of policy.grants) if (member !== 'admin') expect(roles, member).not.toContain('role:admin');
  });

  it('lets the developer and platform groups sync what Argo CD would sync anyway, and only role:release sync what a person syncs', () => {
    const policy = parsePolicy(BUILTIN_POLICY, values.configs.rbac['policy.csv']);
    const may = (group: string, object: string) => allows(policy, 'glob', group, 'applications', 'sync', object);
    if (cluster === 'prod') {
      expect(may('hivebox-release', 'hivebox/hivebox-prod')).toBe(true);
      expect(may('hivebox-release', 'platform/cert-manager-prod')).toBe(true);
      for (const group of ['hivebox-developers', 'hivebox-platform']) {
        expect(may(group, 'hivebox/hivebox-prod'), group).toBe(false);
        expect(allows(policy, 'glob', group, 'applications', 'get', 'hivebox/hivebox-prod'), group).toBe(true);
      }
    } else {
      expect(may('hivebox-developers', 'hivebox/hivebox-dev')).toBe(true);
      expect(may('hivebox-developers', 'platform/cert-manager-nonprod')).toBe(false);
      expect(may('hivebox-platform', 'platform/cert-manager-nonprod')).toBe(true);
      expect(may('hivebox-platform', 'hivebox/hivebox-staging')).toBe(true);
    }
  });

  it('reads notification tokens from argocd-notifications-secret, delivered by External Secrets with every key the services reference', () => {
    expect(values.notifications.secret.create).toBe(false);
    const references = Object.values(values.notifications.notifiers as Record<string, string>).flatMap((config) =>
      [...config.matchAll(/\$([\w-]+)/g)].map((m) => m[1]),
    );
    const secret = clusterConfig(cluster, environments)
      .get(ARGO_CD)!
      .find((m) => m.metadata.name === ARGOCD_NOTIFICATIONS_SECRET) as Any;
    expect(secret.metadata.namespace).toBe('argocd');
    expect(secret.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: PLATFORM_SECRET_STORE });
    expect(secret.spec.target.name).toBe(ARGOCD_NOTIFICATIONS_SECRET);
    expect(new Set(secret.spec.data.map((d: Any) => d.secretKey))).toEqual(new Set(references));
  });

  it('clones a private fork with a repository credential template delivered by External Secrets', () => {
    const creds = clusterConfig(cluster, environments)
      .get(ARGO_CD)!
      .find((m) => m.metadata.name === ARGOCD_REPO_CREDS_SECRET) as Any;
    expect(creds.spec.target.template.metadata.labels).toEqual({ 'argocd.argoproj.io/secret-type': 'repo-creds' });
    expect(creds.spec.dataFrom).toEqual([{ extract: { key: ARGOCD_REPO_CREDS_SECRET } }]);
    // Optional: a public repository has no credentials, and their absence must not make Argo CD's Application unhealthy.
    expect(creds.metadata.annotations['argocd.argoproj.io/ignore-healthcheck']).toBe('true');
  });

  it("meets Pod Security restricted at pod level, requests resources for every component, and enables the chart's NetworkPolicies", () => {
    expect(values.global.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.global.networkPolicy).toEqual({ create: true, defaultDenyIngress: true });
    const components = {
      controller: values.controller,
      repoServer: values.repoServer,
      copyutil: values.repoServer.copyutil,
      server: values.server,
      applicationSet: values.applicationSet,
      redis: values.redis,
      redisSecretInit: values.redisSecretInit,
      notifications: values.notifications,
    };
    for (const [name, component] of Object.entries(components)) {
      expect(component.resources.requests, name).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(component.resources.limits.memory, name).toEqual(expect.any(String));
    }
  });
});

describe('the notification subscriptions and RBAC of the generated trees', () => {
  it('resolve in the Argo CD of each Application’s cluster, and pass argocd-rbac', () => {
    const manifests = synthesizeArgoCd(environments, repo)
      .flatMap((file) => parseAllDocuments(file.content).map((d) => d.toJS() as Manifest))
      .filter((m) => m && m.kind !== 'Kustomization');
    const subscriptions = manifests.flatMap((m) =>
      Object.keys(m.metadata.annotations ?? {}).filter((k) => k.startsWith('notifications.argoproj.io/subscribe.')),
    );
    expect(subscriptions).toContain('notifications.argoproj.io/subscribe.on-sync-failed.pagerdutyv2');
    const report = validateManifests({
      scopes: [{ name: 'argocd', manifests }],
      chartValues: clusters.map((cluster) => loadChartValues(ROOT, ARGO_CD, cluster)),
    });
    expect(
      report.findings.filter((f) => f.ruleId === 'notification-subscription' || f.ruleId === 'argocd-rbac').map((f) => f.message),
    ).toEqual([]);
  });
});
