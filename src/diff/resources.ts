/**
 * Rendered manifests as a diff sees them: each resource keyed by what identifies
 * it in a cluster (API group, kind, namespace, name), printed as canonical YAML (kube/yaml.ts)
 * so that key order or formatting never shows up as a change.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.ts';
import { toYaml, yamlLibrary as yaml } from '../kube/yaml.ts';
import { formatGroupKind, groupOf, objectKey, type ObjectId } from '../kube/object.ts';

export interface ResourceId extends ObjectId {
  /**
   * The file the resource was read from, for loose files (argocd/): the same object may be
   * written once per cluster there (a ClusterIssuer under platform/nonprod and platform/prod).
   */
  readonly file?: string;
}

export interface RenderedResource {
  readonly id: ResourceId;
  /** Stable map key built from the id. */
  readonly key: string;
  /** Canonical YAML (sorted keys, Secret values redacted). */
  readonly yaml: string;
}

/** Resources of one rendering, by key. */
export type ResourceSet = ReadonlyMap<string, RenderedResource>;

export function resourceKey(id: ResourceId): string {
  return `${id.file ?? ''}\u0000${objectKey(id)}`;
}

/** `Deployment.apps hivebox-staging/hivebox`, `Namespace hivebox-dev`: the kubectl way of naming things. */
export function describeResource(id: ResourceId): string {
  return `${formatGroupKind(id)} ${id.namespace ? `${id.namespace}/` : ''}${id.name}${id.file ? ` (${id.file})` : ''}`;
}

/**
 * Parses a multi-document YAML stream (kustomize output or a file of the argocd/ tree).
 * Documents that are not Kubernetes objects (empty, no kind or name, a Kustomization) are skipped.
 * `source` names the stream in error messages.
 */
export function parseResources(text: string, source: string, file?: string): RenderedResource[] {
  return resourcesOf(parseDocuments(text, source), file);
}

/** The value of every document of a YAML stream; an InputError naming `source` if one does not parse. */
export function parseDocuments(text: string, source: string): unknown[] {
  const values: unknown[] = [];
  for (const doc of yaml().parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new InputError(source, '', `not valid YAML: ${doc.errors[0]?.message ?? 'unknown error'}`);
    }
    values.push(doc.toJS({ maxAliasCount: -1 }));
  }
  return values;
}

/** The Kubernetes objects among parsed documents (see parseResources). */
export function resourcesOf(values: readonly unknown[], file?: string): RenderedResource[] {
  const resources: RenderedResource[] = [];
  for (const value of values) {
    const resource = toResource(value, file);
    if (resource) resources.push(resource);
  }
  return resources;
}

/**
 * Kustomize output, fast: kustomize prints every object the same way on both sides of
 * a diff (block style, its own key order), so its text is already a canonical form and
 * only the identity has to be read. A full YAML parse of every object costs more than
 * the render itself in a short-lived CLI; it is kept for what the fast path cannot
 * read with certainty (flow-style metadata, odd scalars) and for Secrets, to redact them.
 */
export function parseKustomizeOutput(text: string, source: string): RenderedResource[] {
  const resources: RenderedResource[] = [];
  for (const doc of text.split(/^---[ \t]*\n/m)) {
    if (doc.trim() === '') continue;
    const fast = fastResource(doc);
    if (fast) resources.push(fast);
    else resources.push(...parseResources(doc, source));
  }
  return resources;
}

function fastResource(doc: string): RenderedResource | undefined {
  const apiVersion = scalar(/^apiVersion: (.+)$/m.exec(doc)?.[1]);
  const kind = scalar(/^kind: (.+)$/m.exec(doc)?.[1]);
  const metadata = /^metadata:\n((?: {2,}.*\n?)+)/m.exec(doc)?.[1];
  if (!apiVersion || !kind || !metadata || kind === 'Secret' || apiVersion.startsWith('kustomize.config.k8s.io/')) return undefined;
  const name = scalar(/^ {2}name: (.+)$/m.exec(metadata)?.[1]);
  const namespaceLine = /^ {2}namespace: (.+)$/m.exec(metadata)?.[1];
  const namespace = namespaceLine === undefined ? '' : scalar(namespaceLine);
  if (!name || namespace === undefined) return undefined;
  const id: ResourceId = { group: groupOf(apiVersion), kind, namespace, name };
  return { id, key: resourceKey(id), yaml: doc.endsWith('\n') ? doc : `${doc}\n` };
}

/** A plain scalar as is; anything quoted or unusual goes through the YAML parser; undefined if it is not a string. */
function scalar(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^[A-Za-z0-9][A-Za-z0-9._/:-]*$/.test(text) && !/: /.test(text)) return text;
  try {
    const value: unknown = yaml().parse(text);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function toResource(value: unknown, file: string | undefined): RenderedResource | undefined {
  if (!isRecord(value)) return undefined;
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !isRecord(metadata)) return undefined;
  if (typeof metadata.name !== 'string') return undefined;
  if (apiVersion.startsWith('kustomize.config.k8s.io/')) return undefined;
  const id: ResourceId = {
    group: groupOf(apiVersion),
    kind,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
    name: metadata.name,
    ...(file ? { file } : {}),
  };
  // Printed when first compared: a file identical on both sides is the same object on both (diff/render.ts).
  let yaml: string | undefined;
  return {
    id,
    key: resourceKey(id),
    get yaml() {
      return (yaml ??= toYaml(kind === 'Secret' ? redactSecret(value) : value));
    },
  };
}

/**
 * A Secret's values never reach a diff (it may be posted as a public PR comment); a short
 * hash of each value still shows that it changed.
 */
function redactSecret(secret: Record<string, unknown>): Record<string, unknown> {
  const redacted: Record<string, unknown> = { ...secret };
  for (const field of ['data', 'stringData']) {
    const values = secret[field];
    if (!isRecord(values)) continue;
    redacted[field] = Object.fromEntries(
      Object.entries(values).map(([key, v]) => [
        key,
        `<redacted sha256:${createHash('sha256').update(String(v)).digest('hex').slice(0, 12)}>`,
      ]),
    );
  }
  return redacted;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Collects resources into a set. Kustomize output never repeats an id, and loose files carry
 * their path in the id; should a file repeat one anyway, the copy is numbered, not lost.
 */
export function toResourceSet(resources: readonly RenderedResource[]): ResourceSet {
  const set = new Map<string, RenderedResource>();
  for (const resource of resources) {
    let entry = resource;
    for (let copy = 2; set.has(entry.key); copy++) {
      const id = { ...resource.id, name: `${resource.id.name} (copy ${copy})` };
      entry = { ...resource, id, key: resourceKey(id) };
    }
    set.set(entry.key, entry);
  }
  return set;
}
