/** Reading pods out of workloads, and label selectors, the way Kubernetes does. */
import type { Manifest } from '../kube/manifest.ts';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
export const asObject = (value: unknown): Json => (isObject(value) ? value : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const asStringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(asObject(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

export interface PodTemplate {
  /** The pod spec object. */
  readonly spec: Json;
  /** Field path of the pod spec inside the manifest, e.g. spec.template.spec. */
  readonly path: string;
  readonly labels: Record<string, string>;
  /** Pods that keep running (not Jobs): these need probes. */
  readonly longRunning: boolean;
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Pod']);

export function podTemplate(manifest: Manifest): PodTemplate | undefined {
  const spec = asObject(manifest.spec);
  const longRunning = LONG_RUNNING.has(manifest.kind);
  if (manifest.kind === 'Pod') return { spec, path: 'spec', labels: asStringMap(manifest.metadata.labels), longRunning };
  if (manifest.kind === 'PodTemplate') {
    const template = asObject(manifest.template);
    return {
      spec: asObject(template.spec),
      path: 'template.spec',
      labels: asStringMap(asObject(template.metadata).labels),
      longRunning: false,
    };
  }
  if (TEMPLATE_KINDS.has(manifest.kind)) {
    const template = asObject(spec.template);
    return {
      spec: asObject(template.spec),
      path: 'spec.template.spec',
      labels: asStringMap(asObject(template.metadata).labels),
      longRunning,
    };
  }
  if (manifest.kind === 'CronJob') {
    const template = asObject(asObject(asObject(spec.jobTemplate).spec).template);
    return {
      spec: asObject(template.spec),
      path: 'spec.jobTemplate.spec.template.spec',
      labels: asStringMap(asObject(template.metadata).labels),
      longRunning: false,
    };
  }
  return undefined;
}

export interface ContainerAt {
  readonly container: Json;
  readonly path: string;
  readonly name: string;
  /** containers (long-running part of the pod), initContainers or ephemeralContainers. */
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
}

export function containersOf(pod: PodTemplate): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    asArray(pod.spec[list]).forEach((container, index) => {
      const c = asObject(container);
      out.push({ container: c, path: `${pod.path}.${list}[${index}]`, name: typeof c.name === 'string' ? c.name : `#${index}`, list });
    });
  }
  return out;
}

export function namespaceOf(manifest: Manifest): string {
  return manifest.metadata.namespace ?? '';
}

/** A LabelSelector (matchLabels and matchExpressions) against labels. An empty selector matches everything. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const s = asObject(selector);
  for (const [key, value] of Object.entries(asStringMap(s.matchLabels))) if (labels[key] !== value) return false;
  for (const expression of asArray(s.matchExpressions)) {
    const e = asObject(expression);
    const key = String(e.key);
    const values = asArray(e.values).map(String);
    const has = Object.hasOwn(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service-style selector (a plain map); an empty map selects nothing (Kubernetes: no endpoints managed). */
export function mapSelectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}
