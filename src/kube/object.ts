/**
 * API groups and object identity: the one reading of `apiVersion` in this repository, and the one
 * key that says two manifests are the same object. The core group is the empty string everywhere
 * (CORE_GROUP), as in Kubernetes' own `schema.GroupVersion`.
 */
import type { GroupKind } from './manifest.ts';

/** The core ("legacy") group: `v1` objects such as ConfigMap, Service, Namespace. */
export const CORE_GROUP = '';

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/**
 * `apps/v1` → { apps, v1 }, `v1` → { '', v1 }: k8s.io/apimachinery pkg/runtime/schema/group_version.go
 * `ParseGroupVersion`, which refuses more than one slash (undefined here).
 */
export function parseApiVersion(apiVersion: string): GroupVersion | undefined {
  if (apiVersion === '' || apiVersion === '/') return { group: CORE_GROUP, version: '' };
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: CORE_GROUP, version: apiVersion };
  if (apiVersion.indexOf('/', slash + 1) >= 0) return undefined;
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The group of an apiVersion; one Kubernetes cannot parse is its own group, never the core one. */
export function groupOf(apiVersion: string): string {
  return parseApiVersion(apiVersion)?.group ?? apiVersion;
}

/** `group/version`, or the version alone for the core group (GroupVersion.String). */
export function formatApiVersion({ group, version }: GroupVersion): string {
  return group === CORE_GROUP ? version : `${group}/${version}`;
}

export function groupKindOf(manifest: { readonly apiVersion: string; readonly kind: string }): GroupKind {
  return { group: groupOf(manifest.apiVersion), kind: manifest.kind };
}

/** How a kind is written for people and in keys: `Deployment.apps`, `Service` (kubectl's `kind.group`). */
export function formatGroupKind({ group, kind }: GroupKind): string {
  return group === CORE_GROUP ? kind : `${kind}.${group}`;
}

/** What identifies an object in a cluster: group, kind, namespace ('' for none or cluster-scoped) and name. */
export interface ObjectId extends GroupKind {
  readonly namespace: string;
  readonly name: string;
}

export function objectIdOf(manifest: {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string | undefined };
}): ObjectId {
  return { ...groupKindOf(manifest), namespace: manifest.metadata.namespace ?? '', name: manifest.metadata.name };
}

/**
 * The one map key for an object: the version aside (one object is served at several versions).
 * NUL separates the parts: no group, kind, namespace or name contains it.
 */
export function objectKey(id: ObjectId): string {
  return [id.group, id.kind, id.namespace, id.name].join('\u0000');
}
