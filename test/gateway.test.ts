/**
 * Traffic through the Gateway API: the Gateway, redirect and solver path each cluster gets, the HTTPRoute of
 * each environment, the order the platform converges in, the schemas of the pinned Gateway API kinds, and the
 * gateway-route-attached and gateway-certificate rules failing and passing on variants of the generated trees.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformSteps } from '../src/argocd/steps.ts';
import { clusterConfig } from '../src/platform/cluster-config.ts';
import { componentByName, GATEWAY_API_VERSION, PLATFORM_COMPONENTS } from '../src/catalog/components.ts';
import { renderEnvironment } from '../src/synth/render.ts';
import { validateSchema } from '../src/schemas/index.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { hostnamesIntersect } from '../src/validate/checks/gateway.ts';
import { clusters, environments, fixture, validateFixture, type Any, type Fixture } from './support/repository-fixture.ts';

const gatewayOf = (f: Fixture, cluster: string): Any =>
  f.folders.get(`argocd/${cluster}/platform/envoy-gateway`)!.find((m) => m.kind === 'Gateway')!;
const issuerOf = (f: Fixture, cluster: string, name: string): Any =>
  f.folders.get(`argocd/${cluster}/platform/cert-manager`)!.find((m) => m.kind === 'ClusterIssuer' && m.metadata.name === name)!;
const routeOf = (f: Fixture, env: string): Any => f.envs.get(env)!.find((m) => m.kind === 'HTTPRoute')!;
const findings = (f: Fixture, rule: string) =>
  validateFixture(f)
    .filter((x) => x.ruleId === rule)
    .map((x) => `${x.scope} ${x.resource.kind}/${x.resource.name} ${x.path}: ${x.message}`);

describe("each cluster's one Gateway", () => {
  it.each(clusters)(
    '%s: redirects plain HTTP, and serves each environment host on its own HTTPS listener with its own certificate',
    (cluster) => {
      const f = fixture();
      const gateway = gatewayOf(f, cluster);
      const envs = environments.filter((env) => env.cluster === cluster).sort((a, b) => a.name.localeCompare(b.name));
      expect(gateway.metadata).toMatchObject({
        name: 'hivebox',
        namespace: 'envoy-gateway',
        annotations: { 'cert-manager.io/cluster-issuer': envs[0]!.route.tlsIssuer },
      });
      expect(gateway.spec.gatewayClassName).toBe('envoy-gateway');
      expect(gateway.spec.listeners).toEqual([
        {
          name: 'http',
          protocol: 'HTTP',
          port: 80,
          allowedRoutes: { namespaces: { from: 'Same' }, kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }] },
        },
        ...envs.map((env) => ({
          name: `https-${env.name}`,
          protocol: 'HTTPS',
          port: 443,
          hostname: env.route.host,
          tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: `hivebox-${env.name}-tls` }] },
          allowedRoutes: {
            namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': env.namespace } } },
            kinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
          },
        })),
      ]);
      const manifests = f.folders.get(`argocd/${cluster}/platform/envoy-gateway`)!;
      const redirect = manifests.find((m) => m.kind === 'HTTPRoute' && m.metadata.name === 'https-redirect')!;
      expect(redirect.spec.parentRefs).toEqual([
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'envoy-gateway', name: 'hivebox', sectionName: 'http' },
      ]);
      expect(redirect.spec.rules).toEqual([
        { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
      ]);
      // The GatewayClass is Envoy Gateway's, sized by the EnvoyProxy it names.
      const gatewayClass = manifests.find((m) => m.kind === 'GatewayClass')!;
      expect(gatewayClass.spec).toEqual({
        controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
        parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'hivebox-gateway', namespace: 'envoy-gateway' },
      });
      expect(manifests.find((m) => m.kind === 'EnvoyProxy')!.metadata.name).toBe('hivebox-gateway');
    },
  );

  it.each(clusters)("%s: its issuer answers ACME HTTP-01 through the Gateway's HTTP listener", (cluster) => {
    const f = fixture();
    const issuer = issuerOf(f, cluster, gatewayOf(f, cluster).metadata.annotations['cert-manager.io/cluster-issuer']);
    expect(issuer.spec.acme.solvers).toEqual([
      {
        http01: {
          gatewayHTTPRoute: {
            parentRefs: [
              { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'envoy-gateway', name: 'hivebox', sectionName: 'http' },
            ],
          },
        },
      },
    ]);
  });

  it("scrapes the Envoys: a PodMonitor on the data plane's labels and metrics port", () => {
    const monitor = clusterConfig('prod', environments)
      .get('envoy-gateway')!
      .find((m) => m.kind === 'PodMonitor') as Any;
    expect(monitor.spec).toEqual({
      selector: {
        matchLabels: expect.objectContaining({ 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'hivebox' }),
      },
      podMetricsEndpoints: [{ port: 'metrics', path: '/stats/prometheus', interval: '30s' }],
    });
  });

  it('runs two Envoys with a disruption budget where a person syncs production, one elsewhere', () => {
    const proxy = (cluster: string) =>
      (
        clusterConfig(cluster, environments)
          .get('envoy-gateway')!
          .find((m) => m.kind === 'EnvoyProxy') as Any
      ).spec.provider.kubernetes;
    expect(proxy('prod')).toMatchObject({ envoyDeployment: { replicas: 2 }, envoyPDB: { minAvailable: 1 } });
    expect(proxy('nonprod').envoyDeployment.replicas).toBe(1);
    expect(proxy('nonprod').envoyPDB).toBeUndefined();
  });
});

describe('each environment', () => {
  it.each(environments.map((env) => env.name))('%s: an HTTPRoute on its own listener, for its host, to its Service', (name) => {
    const env = environments.find((e) => e.name === name)!;
    const route = renderEnvironment(env).find((m) => m.kind === 'HTTPRoute') as Any;
    expect(route.metadata.namespace).toBe(env.namespace);
    expect(route.spec.hostnames).toEqual([env.route.host]);
    expect(route.spec.parentRefs).toEqual([
      {
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        namespace: 'envoy-gateway',
        name: 'hivebox',
        sectionName: `https-${env.name}`,
      },
    ]);
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'hivebox', port: 80 }]);
  });
});

describe('the order a fresh cluster converges in', () => {
  it.each(clusters)(
    '%s: the Gateway API CRDs before cert-manager, ExternalDNS and Envoy Gateway, which watch or create those kinds',
    (cluster) => {
      const config = clusterConfig(cluster, environments);
      const steps = platformSteps(
        PLATFORM_COMPONENTS.map((component) => ({
          component,
          extraKinds: (config.get(component.name) ?? []).map((m) => ({ group: String(m.apiVersion).split('/')[0]!, kind: m.kind })),
        })),
      );
      for (const later of ['cert-manager', 'external-dns', 'envoy-gateway'])
        expect(steps.get(later)!, later).toBeGreaterThan(steps.get('gateway-crds')!);
    },
  );
});

describe('Gateway API schemas at the pinned version (v1.6.1, standard channel)', () => {
  const route = (spec: Any): Manifest =>
    ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'n' },
      spec,
    }) as unknown as Manifest;
  it('accept the generated HTTPRoute and reject a misspelt field, an unknown path type and a bad duration', () => {
    const good = routeOf(fixture(), 'dev');
    expect(validateSchema(good as Manifest, '1.31')).toEqual([]);
    expect(validateSchema(route({ ...good.spec, hostname: ['x.example.com'] }), '1.31').map((v) => v.path)).toEqual(['spec.hostname']);
    expect(
      validateSchema(
        route({ ...good.spec, rules: [{ ...good.spec.rules[0], matches: [{ path: { type: 'Prefix', value: '/' } }] }] }),
        '1.31',
      )[0]?.path,
    ).toBe('spec.rules[0].matches[0].path.type');
    expect(
      validateSchema(route({ ...good.spec, rules: [{ ...good.spec.rules[0], timeouts: { request: '1.5s' } }] }), '1.31')[0]?.path,
    ).toBe('spec.rules[0].timeouts.request');
  });

  it('know no experimental-channel field (a standard-channel install would drop it)', () => {
    expect(validateSchema(gatewayOf(fixture(), 'nonprod') as Manifest, '1.31')).toEqual([]);
    // HTTPRoute rules[].sessionPersistence exists only in the experimental channel's CRD (v1.6.1).
    expect(
      validateSchema(
        route({ ...routeOf(fixture(), 'dev').spec, rules: [{ backendRefs: [], sessionPersistence: { type: 'Cookie' } }] }),
        '1.31',
      ).map((v) => v.reason),
    ).toContain('unknown-field');
  });
});

describe('gateway-route-attached', () => {
  it('passes on the generated trees, and with a wildcard listener that covers the host', () => {
    expect(findings(fixture(), 'gateway-route-attached')).toEqual([]);
    const f = fixture();
    gatewayOf(f, 'nonprod').spec.listeners[1].hostname = '*.hivebox.example.com';
    expect(findings(f, 'gateway-route-attached')).toEqual([]);
    expect(hostnamesIntersect('*.hivebox.example.com', 'dev.hivebox.example.com')).toBe(true);
    expect(hostnamesIntersect('*.hivebox.example.com', 'hivebox.example.com')).toBe(false);
    expect(hostnamesIntersect(undefined, 'anything.example.com')).toBe(true);
  });

  it('fails a route on a listener its cluster does not have', () => {
    const f = fixture();
    routeOf(f, 'dev').spec.parentRefs[0].sectionName = 'https-qa';
    expect(findings(f, 'gateway-route-attached')).toEqual([
      'dev HTTPRoute/hivebox spec.parentRefs[0]: HTTPRoute hivebox attaches to listener https-qa of Gateway envoy-gateway/hivebox, which has none by that name',
    ]);
  });

  it("fails a route on a Gateway its cluster does not run (prod's Gateway is not on nonprod)", () => {
    const f = fixture();
    routeOf(f, 'dev').spec.parentRefs[0].name = 'public';
    expect(findings(f, 'gateway-route-attached')).toEqual([
      'dev HTTPRoute/hivebox spec.parentRefs[0]: HTTPRoute hivebox attaches to Gateway envoy-gateway/public, which cluster nonprod does not run',
    ]);
  });

  it("fails a route from a namespace the listener does not take: staging's route on dev's listener", () => {
    const f = fixture();
    routeOf(f, 'staging').spec.parentRefs[0].sectionName = 'https-dev';
    routeOf(f, 'staging').spec.hostnames = ['dev.hivebox.example.com'];
    expect(findings(f, 'gateway-route-attached')).toEqual([
      'staging HTTPRoute/hivebox spec.parentRefs[0]: HTTPRoute hivebox is refused by Gateway envoy-gateway/hivebox: listener https-dev takes routes only from namespaces its selector matches, not hivebox-staging',
    ]);
  });

  it('fails a route whose hostname the listener does not serve, and one on the redirect-only listener', () => {
    const f = fixture();
    routeOf(f, 'prod').spec.hostnames = ['www.hivebox.example.com'];
    routeOf(f, 'dev').spec.parentRefs[0].sectionName = 'http';
    expect(findings(f, 'gateway-route-attached')).toEqual([
      'dev HTTPRoute/hivebox spec.parentRefs[0]: HTTPRoute hivebox is refused by Gateway envoy-gateway/hivebox: listener http takes routes from its own namespace envoy-gateway only',
      'prod HTTPRoute/hivebox spec.parentRefs[0]: HTTPRoute hivebox is refused by Gateway envoy-gateway/hivebox: listener https-prod serves hivebox.example.com, none of www.hivebox.example.com',
    ]);
  });
});

describe('gateway-certificate', () => {
  it('passes on the generated trees, and with a Certificate of the Secret instead of the annotation', () => {
    expect(findings(fixture(), 'gateway-certificate')).toEqual([]);
    const f = fixture();
    const gateway = gatewayOf(f, 'prod');
    delete gateway.metadata.annotations['cert-manager.io/cluster-issuer'];
    f.folders.get('argocd/prod/platform/envoy-gateway')!.push({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'hivebox-prod-tls', namespace: 'envoy-gateway' },
      spec: {
        secretName: 'hivebox-prod-tls',
        dnsNames: ['hivebox.example.com'],
        issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-production' },
      },
    });
    expect(findings(f, 'gateway-certificate')).toEqual([]);
  });

  it('fails a Gateway that asks cert-manager for nothing, or for an issuer its cluster lacks', () => {
    const f = fixture();
    delete gatewayOf(f, 'prod').metadata.annotations['cert-manager.io/cluster-issuer'];
    gatewayOf(f, 'nonprod').metadata.annotations['cert-manager.io/cluster-issuer'] = 'letsencrypt-production';
    expect(findings(f, 'gateway-certificate')).toEqual([
      'argocd Gateway/hivebox metadata.annotations["cert-manager.io/cluster-issuer"]: listener https-dev (dev.hivebox.example.com) gets no certificate: ClusterIssuer letsencrypt-production does not exist on this cluster',
      'argocd Gateway/hivebox metadata.annotations["cert-manager.io/cluster-issuer"]: listener https-staging (staging.hivebox.example.com) gets no certificate: ClusterIssuer letsencrypt-production does not exist on this cluster',
      'argocd Gateway/hivebox spec.listeners[1]: listener https-prod (hivebox.example.com) gets no certificate: no Certificate writes hivebox-prod-tls and the Gateway asks cert-manager for none (cert-manager.io/cluster-issuer)',
    ]);
  });

  it('fails an HTTPS listener without hostname, or with a certificate in another namespace', () => {
    const f = fixture();
    delete gatewayOf(f, 'prod').spec.listeners[1].hostname;
    gatewayOf(f, 'nonprod').spec.listeners[1].tls.certificateRefs[0].namespace = 'hivebox-dev';
    expect(findings(f, 'gateway-certificate')).toEqual([
      'argocd Gateway/hivebox spec.listeners[1]: listener https-dev of Gateway envoy-gateway/hivebox refers to a certificate other than a Secret in envoy-gateway, which cert-manager does not fill',
      'argocd Gateway/hivebox spec.listeners[1]: listener https-prod of Gateway envoy-gateway/hivebox has no hostname, so no certificate can name it',
    ]);
  });

  it("fails an HTTP-01 solver that cannot answer through the Gateway: on an HTTPS listener, or on an HTTP listener that takes no routes from the Gateway's namespace", () => {
    const f = fixture();
    issuerOf(f, 'prod', 'letsencrypt-production').spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs[0].sectionName = 'https-prod';
    gatewayOf(f, 'nonprod').spec.listeners[0].allowedRoutes.namespaces = {
      from: 'Selector',
      selector: { matchLabels: { 'kubernetes.io/metadata.name': 'hivebox-dev' } },
    };
    const unreachable = (issuer: string) =>
      `argocd ClusterIssuer/${issuer} spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs: ClusterIssuer ${issuer} answers HTTP-01 through no listener that serves plain HTTP on port 80 and takes the solver's HTTPRoute from envoy-gateway, where Gateway hivebox's Certificates live: no certificate would be issued`;
    expect(findings(f, 'gateway-certificate')).toEqual([unreachable('letsencrypt-production'), unreachable('letsencrypt-staging')]);
  });
});

describe('one Gateway API release everywhere', () => {
  it('the types, the schemas and the CRD chart name the same release; Envoy Gateway and its CRD chart move together', () => {
    const root = join(import.meta.dirname, '..');
    expect(readFileSync(join(root, 'src/imports/gateway.networking.k8s.io.ts'), 'utf8').split('\n')[0]).toContain(
      `kubernetes-sigs/gateway-api ${GATEWAY_API_VERSION},`,
    );
    expect(JSON.parse(readFileSync(join(root, 'src/schemas/data/gateway-api.json'), 'utf8')).source).toContain(
      `gateway-api ${GATEWAY_API_VERSION},`,
    );
    expect(componentByName('gateway-crds').version).toBe(componentByName('envoy-gateway').version);
    expect(readFileSync(join(root, 'charts/gateway-crds/values.yaml'), 'utf8')).toMatch(
      /gatewayAPI:\n {4}enabled: true\n {4}channel: standard/,
    );
  });
});
