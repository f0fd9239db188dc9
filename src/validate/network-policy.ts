/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), replayed on
 * rendered manifests: given the policies of a scope, is a connection from one
 * endpoint to another admitted? As the API reference and
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/ define it:
 *
 * - A pod is isolated for a direction only when some policy in its namespace
 *   selects it and lists that direction in policyTypes. policyTypes, when
 *   omitted, is Ingress, plus Egress if the policy has egress rules
 *   (SetDefaults_NetworkPolicy, kubernetes pkg/apis/networking/v1/defaults.go).
 * - What an isolated pod may do is the union of the matching rules of every
 *   policy that selects it for that direction; an empty rule list allows nothing.
 * - A connection needs both ends: out of the source (egress) and into the
 *   destination (ingress). Only pods are isolated; addresses outside the cluster are not.
 * - In a rule, a missing or empty from/to matches every peer and a missing or
 *   empty ports matches every port.
 * - A peer is a podSelector (pods of the policy's namespace), a
 *   namespaceSelector (every pod of the selected namespaces), both (those pods
 *   of those namespaces), or an ipBlock (cidr minus except). ipBlock is matched
 *   against addresses outside the cluster only: whether it also matches pod IPs
 *   is left to the network plugin, so nothing is assumed either way.
 * - A port's protocol defaults to TCP; no port means every port of that
 *   protocol; endPort makes a range; a named port is resolved against the
 *   destination pod's container ports (and so never matches an address).
 */
import type { Manifest } from '../kube/manifest.ts';
import { asArray, asObject, isObject, namespaceOf, selectorMatches, type Json } from './workloads.ts';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type Direction = 'Ingress' | 'Egress';
export type Labels = Readonly<Record<string, string>>;

/** A port an endpoint listens on (a container port, for a pod). */
export interface PortDeclaration {
  readonly port: number;
  readonly protocol: Protocol;
  readonly name?: string;
}

/** Where traffic comes from or goes to: a pod (by its labels and its namespace's), or an address outside the cluster. */
export type Endpoint =
  | {
      readonly kind: 'pod';
      readonly namespace: string;
      readonly namespaceLabels: Labels;
      readonly labels: Labels;
      readonly ports: readonly PortDeclaration[];
    }
  | { readonly kind: 'address'; readonly address: string; readonly ports: readonly PortDeclaration[] };

export interface Connection {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol: Protocol;
}

/** One end of a connection: isolated or not, and the policies whose rules admit it there. */
export interface Side {
  readonly isolated: boolean;
  /** The policies that isolate this end for the direction (all of them, whether they admit or not). */
  readonly isolatedBy: readonly Manifest[];
  readonly admittedBy: readonly Manifest[];
}

export interface Verdict {
  readonly admitted: boolean;
  /** Out of the source. */
  readonly egress: Side;
  /** Into the destination. */
  readonly ingress: Side;
}

/** The label every namespace carries with its own name (Kubernetes sets it since 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export const protocolOf = (value: unknown): Protocol => (value === 'UDP' || value === 'SCTP' ? value : 'TCP');

/** policyTypes as the API server stores them. */
export function policyTypes(policy: Manifest): Direction[] {
  const spec = asObject(policy.spec);
  const listed = asArray(spec.policyTypes).filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  if (asArray(spec.policyTypes).length > 0) return listed;
  return asArray(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

export class NetworkPolicies {
  private readonly byNamespace = new Map<string, Manifest[]>();

  constructor(policies: readonly Manifest[]) {
    for (const policy of policies) {
      if (policy.kind !== 'NetworkPolicy') continue;
      const namespace = namespaceOf(policy);
      (this.byNamespace.get(namespace) ?? this.byNamespace.set(namespace, []).get(namespace)!).push(policy);
    }
  }

  admits(connection: Connection): Verdict {
    const egress = this.side(connection.from, 'Egress', connection);
    const ingress = this.side(connection.to, 'Ingress', connection);
    const passes = (side: Side) => !side.isolated || side.admittedBy.length > 0;
    return { admitted: passes(egress) && passes(ingress), egress, ingress };
  }

  private side(end: Endpoint, direction: Direction, connection: Connection): Side {
    if (end.kind !== 'pod') return { isolated: false, isolatedBy: [], admittedBy: [] };
    const isolatedBy = (this.byNamespace.get(end.namespace) ?? []).filter(
      (policy) => policyTypes(policy).includes(direction) && selectorMatches(asObject(policy.spec).podSelector ?? {}, end.labels),
    );
    const admittedBy = isolatedBy.filter((policy) => {
      const rules = asArray(asObject(policy.spec)[direction === 'Ingress' ? 'ingress' : 'egress']).map(asObject);
      return rules.some((rule) => ruleMatches(rule, direction, namespaceOf(policy), connection));
    });
    return { isolated: isolatedBy.length > 0, isolatedBy, admittedBy };
  }
}

function ruleMatches(rule: Json, direction: Direction, policyNamespace: string, connection: Connection): boolean {
  const peer = direction === 'Ingress' ? connection.from : connection.to;
  const peers = asArray(rule[direction === 'Ingress' ? 'from' : 'to']);
  const ports = asArray(rule.ports);
  const peerOk = peers.length === 0 || peers.some((p) => peerMatches(asObject(p), policyNamespace, peer));
  const portOk = ports.length === 0 || ports.some((p) => portMatches(asObject(p), connection));
  return peerOk && portOk;
}

function peerMatches(peer: Json, policyNamespace: string, endpoint: Endpoint): boolean {
  if (isObject(peer.ipBlock)) {
    if (endpoint.kind !== 'address') return false;
    const block = peer.ipBlock;
    return (
      cidrContains(String(block.cidr), endpoint.address) &&
      !asArray(block.except).some((except) => cidrContains(String(except), endpoint.address))
    );
  }
  const podSelector = peer.podSelector;
  const namespaceSelector = peer.namespaceSelector;
  // Neither selector: not a valid peer (the API server rejects it), so it matches nothing.
  if (!isObject(podSelector) && !isObject(namespaceSelector)) return false;
  if (endpoint.kind !== 'pod') return false;
  const namespaceOk = isObject(namespaceSelector)
    ? selectorMatches(namespaceSelector, endpoint.namespaceLabels)
    : endpoint.namespace === policyNamespace;
  return namespaceOk && (!isObject(podSelector) || selectorMatches(podSelector, endpoint.labels));
}

function portMatches(port: Json, connection: Connection): boolean {
  const protocol = protocolOf(port.protocol);
  if (protocol !== connection.protocol) return false;
  if (port.port === undefined || port.port === null) return true;
  if (typeof port.port === 'number') {
    const end = typeof port.endPort === 'number' ? port.endPort : port.port;
    return connection.port >= port.port && connection.port <= end;
  }
  // A named port: the destination pod's container port of that name and protocol.
  return (
    connection.to.kind === 'pod' &&
    connection.to.ports.some((p) => p.name === port.port && p.protocol === protocol && p.port === connection.port)
  );
}

/** Whether an IPv4 CIDR holds an IPv4 address. An IPv6 block never holds an IPv4 address (and the reverse). */
export function cidrContains(cidr: string, address: string): boolean {
  const [base, bits] = cidr.split('/');
  const network = ipv4(base ?? '');
  const host = ipv4(address);
  const length = Number(bits ?? 32);
  if (network === undefined || host === undefined || !Number.isInteger(length) || length < 0 || length > 32) return false;
  const mask = length === 0 ? 0 : (~0 << (32 - length)) >>> 0;
  return (network & mask) >>> 0 === (host & mask) >>> 0;
}

export function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}
