/**
 * network-flows: every flow the platform needs is admitted by the namespace's
 * NetworkPolicies, and nothing else is.
 *
 * For each namespace that runs pods, the rule models who talks:
 * - the namespace's pods, one per workload (its pod template);
 * - around them, as the platform runs them: the shared Gateway's Envoys and
 *   Prometheus in their namespaces (src/constructs/cluster-peers.ts,
 *   src/catalog/components.ts), kube-dns in
 *   kube-system, the same pods in another namespace (another environment on a
 *   shared cluster), the public internet, and the external endpoints the pods
 *   are configured with.
 * What is needed is read from the manifests as Argo CD applies them: the
 * HTTPRoute backends (Gateway → pod; cert-manager's ACME HTTP-01 solver runs
 * beside the Gateway, in its namespace, not here), the
 * ServiceMonitor endpoints (Prometheus → pod), and each pod's settings
 * (env and the ConfigMaps it reads) for Valkey, MinIO and openSenseMap, plus
 * the cluster DNS for every name among them. Then every needed flow must be
 * admitted (network-policy.ts replays the semantics), and every other flow
 * between these actors, on each port the destination declares, must not be.
 */
import { GATEWAY_DATA_PLANE, KUBE_DNS } from '../../constructs/cluster-peers.ts';
import { MONITORING_NAMESPACE } from '../../catalog/components.ts';
import type { Manifest } from '../../kube/manifest.ts';
import { CORE_GROUP } from '../../kube/object.ts';
import { type Check, type Report, rule, type ScopeRules, type ScopeView } from '../check.ts';
import {
  ipv4,
  NAMESPACE_NAME_LABEL,
  NetworkPolicies,
  protocolOf,
  type Endpoint,
  type Labels,
  type PortDeclaration,
  type Protocol,
  type Side,
} from '../network-policy.ts';
import {
  asArray,
  asObject,
  asStringMap,
  containersOf,
  mapSelectorMatches,
  namespaceOf,
  podTemplate,
  selectorMatches,
  type Json,
  type PodTemplate,
} from '../workloads.ts';

const RULE = 'network-flows';

/** Addresses outside the cluster: documentation ranges (RFC 5737), public and in no private range. */
const PUBLIC_ADDRESS = '203.0.113.10';
/** External endpoints configured by name get one address each from here (their real address is not known). */
const EXTERNAL_ADDRESSES = '198.51.100.';
/** The namespace standing for "any other namespace": another environment on the same cluster. */
const ELSEWHERE = 'another-namespace';

/** HiveBox reads the senseBoxes it is given from openSenseMap's public API, over HTTPS. */
const OPENSENSEMAP = { host: 'api.opensensemap.org', port: 443 };
/** Valkey's own default port, when a pod is given a host without one. */
const VALKEY_DEFAULT_PORT = 6379;

interface Actor {
  /** How findings name it: "pod hivebox", "the Gateway". */
  readonly name: string;
  readonly endpoint: Endpoint;
  /** In the namespace checked: its policies apply to this actor. */
  readonly inside: boolean;
  /** The workload that runs it. */
  readonly manifest?: Manifest;
}

interface Need {
  readonly from: Actor;
  readonly to: Actor;
  readonly protocol: Protocol;
  readonly port: number;
  readonly why: string[];
  readonly anchor: Manifest;
}

export const networkFlowsCheck: Check = (scope, report) => {
  const policies = new NetworkPolicies(scope.manifests.filter((m) => m.kind === 'NetworkPolicy'));
  for (const namespace of [...scope.byNamespace.keys()].sort()) {
    if (namespace === '') continue;
    checkNamespace(scope, namespace, policies, report);
  }
};

export const networkFlowsRules: ScopeRules = {
  rules: [
    rule(
      'network-flows',
      'security',
      "NetworkPolicies admit exactly the flows the platform needs: the Gateway's Envoys → app, Prometheus → scrape targets, app → data stores, DNS and openSenseMap; nothing else",
      'Open a missing flow with a policy named after it (src/constructs/network-policies.ts), or narrow the policy that admits one nothing needs.',
    ),
  ],
  check: networkFlowsCheck,
};

function checkNamespace(scope: ScopeView, namespace: string, policies: NetworkPolicies, report: Report): void {
  const model = new NamespaceModel(scope, namespace);
  if (model.workloads.length === 0) return;
  model.deriveNeeds();

  const needed = model.needs;
  const flow = (from: Actor, to: Actor, protocol: Protocol, port: number) => `${from.name} → ${to.name} ${protocol} ${port}`;

  for (const need of needed.values()) {
    const verdict = policies.admits({ from: need.from.endpoint, to: need.to.endpoint, protocol: need.protocol, port: need.port });
    if (verdict.admitted) continue;
    const blocked = [blame('egress from', need.from, verdict.egress), blame('ingress to', need.to, verdict.ingress)]
      .filter(Boolean)
      .join('; ');
    report(
      RULE,
      need.anchor,
      '',
      `${flow(need.from, need.to, need.protocol, need.port)}: needed (${need.why.join('; ')}) but no NetworkPolicy admits it (${blocked})`,
    );
  }

  const actors = model.actors();
  const seen = new Set<string>();
  for (const from of actors) {
    for (const to of actors) {
      if (!from.inside && !to.inside) continue;
      for (const { port, protocol } of to.endpoint.ports) {
        const id = flowKey(from, to, protocol, port);
        if (needed.has(id) || seen.has(id)) continue;
        seen.add(id);
        const verdict = policies.admits({ from: from.endpoint, to: to.endpoint, protocol, port });
        if (!verdict.admitted) continue;
        const sides = [
          from.inside ? cause('egress', from, verdict.egress) : undefined,
          to.inside ? cause('ingress', to, verdict.ingress) : undefined,
        ];
        const anchor =
          (to.inside ? verdict.ingress.admittedBy[0] : undefined) ??
          (from.inside ? verdict.egress.admittedBy[0] : undefined) ??
          (to.inside ? to.manifest : from.manifest)!;
        report(RULE, anchor, '', `${flow(from, to, protocol, port)}: admitted (${sides.filter(Boolean).join('; ')}) but nothing needs it`);
      }
    }
  }
}

const flowKey = (from: Actor, to: Actor, protocol: Protocol, port: number) => `${from.name}\u0000${to.name}\u0000${protocol}\u0000${port}`;

const names = (policies: readonly Manifest[]) =>
  policies
    .map((p) => p.metadata.name)
    .sort()
    .join(', ');

/** Why a needed flow stops at one end, or '' if it passes there. */
function blame(direction: string, actor: Actor, side: Side): string {
  if (!side.isolated || side.admittedBy.length > 0) return '';
  return `${direction} ${actor.name} is limited by ${names(side.isolatedBy)}`;
}

/** What lets an unneeded flow through at one end. */
function cause(direction: 'egress' | 'ingress', actor: Actor, side: Side): string {
  return side.isolated ? `${direction} by NetworkPolicy ${names(side.admittedBy)}` : `${actor.name} is not isolated for ${direction}`;
}

/** The actors of one namespace and the flows between them that the manifests need. */
class NamespaceModel {
  readonly namespaceLabels: Labels;
  readonly workloads: Array<Actor & { readonly manifest: Manifest; readonly pod: PodTemplate }> = [];
  readonly gateway: Actor;
  readonly gatewayNeighbour: Actor;
  readonly prometheus: Actor;
  readonly kubeDns: Actor;
  readonly internet: Actor;
  readonly elsewhere: Actor[];
  readonly externals = new Map<string, Actor>();
  readonly needs = new Map<string, Need>();

  constructor(
    private readonly scope: ScopeView,
    private readonly namespace: string,
  ) {
    const ns = scope.ofKind('Namespace', '').find((m) => m.metadata.name === namespace);
    this.namespaceLabels = { ...asStringMap(ns?.metadata.labels), [NAMESPACE_NAME_LABEL]: namespace };
    for (const manifest of scope.byNamespace.get(namespace) ?? []) {
      const pod = podTemplate(manifest);
      if (!pod || manifest.kind === 'PodTemplate') continue;
      this.workloads.push({
        name: `pod ${manifest.metadata.name}`,
        endpoint: this.pod(pod.labels, portsOf(pod)),
        inside: true,
        manifest,
        pod,
      });
    }
    // In name order, so findings come out the same whatever order the manifests are in.
    const byName = (x: Actor, y: Actor) => x.name.localeCompare(y.name);
    this.workloads.sort(byName);

    // The Envoys of the shared Gateway, with the labels Envoy Gateway gives them. Other pods of their
    // namespace are not the data plane and must not get in: cert-manager's ACME HTTP-01 solver stands for
    // them (cert-manager v1.21.1 pkg/issuer/acme/http/pod.go: that label, port 8089; it runs there, in the
    // namespace of the Gateway's Certificates, and the Envoys reach it there, where no policy of ours applies).
    this.gateway = outsidePod('the Gateway', GATEWAY_DATA_PLANE.namespace, GATEWAY_DATA_PLANE.labels, GATEWAY_DATA_PLANE.ports);
    this.gatewayNeighbour = outsidePod(
      "cert-manager's ACME solver beside the Gateway",
      GATEWAY_DATA_PLANE.namespace,
      { 'acme.cert-manager.io/http01-solver': 'true' },
      [{ name: 'http', protocol: 'TCP', port: 8089 }],
    );
    // The labels the charts give these pods; what matters most is their namespace, which policies select.
    this.prometheus = outsidePod(
      'Prometheus',
      MONITORING_NAMESPACE,
      { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/managed-by': 'prometheus-operator' },
      [{ name: 'web', protocol: 'TCP', port: 9090 }],
    );
    this.kubeDns = outsidePod('kube-dns', KUBE_DNS.namespace, KUBE_DNS.labels, KUBE_DNS.ports);
    this.internet = {
      name: 'the internet',
      endpoint: { kind: 'address', address: PUBLIC_ADDRESS, ports: [tcp(80), tcp(443)] },
      inside: false,
    };
    const elsewhere = namespace === ELSEWHERE ? `${ELSEWHERE}-2` : ELSEWHERE;
    this.elsewhere = this.workloads.map((w) =>
      outsidePod(`${w.name} in another namespace`, elsewhere, w.endpoint.kind === 'pod' ? w.endpoint.labels : {}, w.endpoint.ports),
    );
  }

  actors(): Actor[] {
    return [
      ...this.workloads,
      this.gateway,
      this.gatewayNeighbour,
      this.prometheus,
      this.kubeDns,
      ...this.elsewhere,
      this.internet,
      ...this.externals.values(),
    ];
  }

  deriveNeeds(): void {
    for (const route of this.scope.ofKind('HTTPRoute', this.namespace)) {
      const backends = asArray(asObject(route.spec).rules).flatMap((rule) => asArray(asObject(rule).backendRefs).map(asObject));
      for (const backend of backends) {
        // A backendRef is a Service unless it says otherwise (group "", kind Service are its defaults).
        if (
          (backend.group ?? CORE_GROUP) !== CORE_GROUP ||
          (backend.kind ?? 'Service') !== 'Service' ||
          (backend.namespace ?? this.namespace) !== this.namespace
        )
          continue;
        for (const target of this.serviceTargets(String(backend.name), (p) => p.port === backend.port)) {
          this.need(this.gateway, target.actor, target.protocol, target.port, `HTTPRoute ${route.metadata.name} routes to it`, route);
        }
      }
    }
    for (const monitor of this.scope.manifests.filter((m) => m.kind === 'ServiceMonitor')) this.scrapes(monitor);
    for (const workload of this.workloads) {
      for (const dependency of dependenciesOf(this.environmentOf(workload.pod))) this.dependsOn(workload, dependency);
    }
  }

  private pod(labels: Labels, ports: readonly PortDeclaration[]): Endpoint {
    return { kind: 'pod', namespace: this.namespace, namespaceLabels: this.namespaceLabels, labels, ports };
  }

  private need(from: Actor, to: Actor, protocol: Protocol, port: number, why: string, anchor: Manifest): void {
    const id = flowKey(from, to, protocol, port);
    const existing = this.needs.get(id);
    if (!existing) this.needs.set(id, { from, to, protocol, port, why: [why], anchor });
    else if (!existing.why.includes(why)) existing.why.push(why);
  }

  /** The pods behind a Service's ports, on the container port each one resolves to. */
  private serviceTargets(name: string, match: (port: Json) => boolean): Array<{ actor: Actor; port: number; protocol: Protocol }> {
    const service = this.scope.ofKind('Service', this.namespace).find((s) => s.metadata.name === name);
    if (!service) return [];
    return this.portTargets(service, asArray(asObject(service.spec).ports).map(asObject).filter(match));
  }

  private portTargets(service: Manifest, servicePorts: readonly Json[]): Array<{ actor: Actor; port: number; protocol: Protocol }> {
    const selector = asStringMap(asObject(service.spec).selector);
    const out: Array<{ actor: Actor; port: number; protocol: Protocol }> = [];
    for (const servicePort of servicePorts) {
      const protocol = protocolOf(servicePort.protocol);
      const target = servicePort.targetPort ?? servicePort.port;
      for (const actor of this.workloads) {
        if (actor.endpoint.kind !== 'pod' || !mapSelectorMatches(selector, actor.endpoint.labels)) continue;
        const port =
          typeof target === 'number' ? target : actor.endpoint.ports.find((p) => p.name === target && p.protocol === protocol)?.port;
        if (port !== undefined) out.push({ actor, port, protocol });
      }
    }
    return out;
  }

  /** Prometheus scrapes each pod behind a ServiceMonitor's endpoints, on the pod's port. */
  private scrapes(monitor: Manifest): void {
    const spec = asObject(monitor.spec);
    const namespaceSelector = asObject(spec.namespaceSelector);
    const matchNames = asArray(namespaceSelector.matchNames).map(String);
    const watches =
      namespaceSelector.any === true ||
      (matchNames.length > 0 ? matchNames.includes(this.namespace) : namespaceOf(monitor) === this.namespace);
    if (!watches) return;
    const services = this.scope
      .ofKind('Service', this.namespace)
      .filter((s) => selectorMatches(spec.selector ?? {}, asStringMap(s.metadata.labels)));
    const why = `ServiceMonitor ${monitor.metadata.name} scrapes it`;
    for (const e of asArray(spec.endpoints)) {
      const endpoint = asObject(e);
      for (const service of services) {
        if (typeof endpoint.port === 'string') {
          const ports = asArray(asObject(service.spec).ports)
            .map(asObject)
            .filter((p) => p.name === endpoint.port);
          for (const t of this.portTargets(service, ports)) this.need(this.prometheus, t.actor, t.protocol, t.port, why, monitor);
        } else if (endpoint.targetPort !== undefined) {
          // targetPort names the pod's port directly.
          for (const t of this.portTargets(service, [{ port: endpoint.targetPort, targetPort: endpoint.targetPort }]))
            this.need(this.prometheus, t.actor, t.protocol, t.port, why, monitor);
        }
      }
    }
  }

  /** A pod's environment as its containers see it: envFrom ConfigMaps, then env (literal values and ConfigMap keys). */
  private environmentOf(pod: PodTemplate): Record<string, string> {
    const configMap = (name: unknown) =>
      asStringMap(this.scope.ofKind('ConfigMap', this.namespace).find((c) => c.metadata.name === name)?.data);
    const values: Record<string, string> = {};
    for (const { container, list } of containersOf(pod)) {
      if (list === 'ephemeralContainers') continue;
      for (const source of asArray(container.envFrom).map(asObject)) {
        const prefix = typeof source.prefix === 'string' ? source.prefix : '';
        for (const [key, value] of Object.entries(configMap(asObject(source.configMapRef).name))) values[prefix + key] = value;
      }
      for (const variable of asArray(container.env).map(asObject)) {
        if (typeof variable.name !== 'string') continue;
        const ref = asObject(asObject(variable.valueFrom).configMapKeyRef);
        const value = typeof variable.value === 'string' ? variable.value : configMap(ref.name)[String(ref.key)];
        if (value !== undefined) values[variable.name] = value;
      }
    }
    return values;
  }

  private dependsOn(workload: Actor & { readonly manifest: Manifest }, dependency: Dependency): void {
    const why = `${dependency.what} at ${dependency.host}:${dependency.port} (${dependency.setting})`;
    const service = this.serviceNamed(dependency.host);
    const targets = service
      ? this.portTargets(
          service,
          asArray(asObject(service.spec).ports)
            .map(asObject)
            .filter((p) => p.port === dependency.port),
        )
      : [];
    if (targets.length > 0) {
      for (const t of targets) this.need(workload, t.actor, t.protocol, t.port, why, workload.manifest);
    } else {
      this.need(workload, dependency.public ? this.internet : this.external(dependency), 'TCP', dependency.port, why, workload.manifest);
    }
    if (ipv4(dependency.host) === undefined) {
      for (const protocol of ['UDP', 'TCP'] as const)
        this.need(workload, this.kubeDns, protocol, KUBE_DNS.port, `resolves ${dependency.host}`, workload.manifest);
    }
  }

  /** The Service a host name means in this namespace: name, name.<ns>, name.<ns>.svc, name.<ns>.svc.cluster.local. */
  private serviceNamed(host: string): Manifest | undefined {
    const [name, ...rest] = host.replace(/\.$/, '').split('.');
    const suffix = rest.join('.');
    if (!['', this.namespace, `${this.namespace}.svc`, `${this.namespace}.svc.cluster.local`].includes(suffix)) return undefined;
    return this.scope.ofKind('Service', this.namespace).find((s) => s.metadata.name === name);
  }

  private external(dependency: Dependency): Actor {
    const id = `${dependency.host}:${dependency.port}`;
    let actor = this.externals.get(id);
    if (!actor) {
      const address = ipv4(dependency.host) !== undefined ? dependency.host : `${EXTERNAL_ADDRESSES}${this.externals.size + 10}`;
      actor = {
        name: `external ${dependency.what} ${id}`,
        endpoint: { kind: 'address', address, ports: [tcp(dependency.port)] },
        inside: false,
      };
      this.externals.set(id, actor);
    }
    return actor;
  }
}

function outsidePod(name: string, namespace: string, labels: Labels, ports: readonly PortDeclaration[]): Actor {
  return {
    name,
    endpoint: { kind: 'pod', namespace, namespaceLabels: { [NAMESPACE_NAME_LABEL]: namespace }, labels, ports },
    inside: false,
  };
}

const tcp = (port: number): PortDeclaration => ({ port, protocol: 'TCP' });

function portsOf(pod: PodTemplate): PortDeclaration[] {
  return containersOf(pod)
    .filter(({ list }) => list !== 'ephemeralContainers')
    .flatMap(({ container }) => asArray(container.ports).map(asObject))
    .filter((p) => typeof p.containerPort === 'number')
    .map((p) => ({
      port: p.containerPort as number,
      protocol: protocolOf(p.protocol),
      ...(typeof p.name === 'string' ? { name: p.name } : {}),
    }));
}

interface Dependency {
  readonly what: string;
  readonly host: string;
  readonly port: number;
  /** The settings it was read from. */
  readonly setting: string;
  /** Somewhere on the public internet (the internet actor stands for it). */
  readonly public?: boolean;
}

/**
 * What a pod's settings say it connects to: HiveBox's own variables (src/constructs/hivebox.ts,
 * appSettings) and mc's MC_HOST_<alias> (the bucket Job).
 */
function dependenciesOf(env: Readonly<Record<string, string>>): Dependency[] {
  const out: Dependency[] = [];
  const add = (what: string, host: string | undefined, port: number, setting: string) => {
    if (host && Number.isInteger(port) && port > 0 && port < 65536) out.push({ what, host, port, setting });
  };
  if (env.VALKEY_HOST !== undefined)
    add('Valkey', env.VALKEY_HOST, Number(env.VALKEY_PORT ?? VALKEY_DEFAULT_PORT), 'VALKEY_HOST, VALKEY_PORT');
  if (env.MINIO_ENDPOINT !== undefined) {
    const [host, port] = env.MINIO_ENDPOINT.split(':');
    add('MinIO', host, port !== undefined ? Number(port) : env.MINIO_SECURE === 'true' ? 443 : 80, 'MINIO_ENDPOINT');
  }
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('MC_HOST_')) continue;
    // scheme://[user:secret@]host[:port], the credentials often $(VAR) references.
    const url = /^(https?):\/\/(?:[^@/]*@)?([^:/]+)(?::(\d+))?/.exec(value);
    if (url) add('MinIO', url[2], url[3] !== undefined ? Number(url[3]) : url[1] === 'https' ? 443 : 80, key);
  }
  if (env.SENSEBOX_IDS !== undefined) out.push({ what: 'openSenseMap', ...OPENSENSEMAP, setting: 'SENSEBOX_IDS', public: true });
  return out;
}
