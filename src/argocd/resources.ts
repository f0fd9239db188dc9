/**
 * Typed cdk8s constructs for Argo CD's two custom resources. Only the fields
 * this repository uses are modelled, so a misspelt field is a type error
 * rather than a silently ignored key in a live cluster.
 * Field names follow the Argo CD CRDs (argoproj.io/v1alpha1).
 */
import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import type { GroupKind } from '../kube/manifest.ts';
import { ARGOCD_NAMESPACE } from './naming.ts';

export { ARGOCD_NAMESPACE };
export const ARGOCD_API_VERSION = 'argoproj.io/v1alpha1';
/** Deleting an Application with this finalizer deletes what it deployed. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly finalizers?: readonly string[];
}

/** A cluster (by exactly one of name and server) and a namespace in it. */
export interface Destination {
  /** The cluster by the name it is registered under in Argo CD. */
  readonly name?: string;
  /** The cluster by API server URL; https://kubernetes.default.svc is the one Argo CD runs in. */
  readonly server?: string;
  readonly namespace: string;
}

/** The cluster Argo CD itself runs in, whatever name it is registered under. */
export const LOCAL_CLUSTER_SERVER = 'https://kubernetes.default.svc';

export interface SyncWindow {
  readonly kind: 'allow' | 'deny';
  readonly schedule: string;
  readonly duration: string;
  readonly timeZone: string;
  readonly manualSync: boolean;
  readonly applications?: readonly string[];
  readonly clusters?: readonly string[];
  readonly namespaces?: readonly string[];
}

export interface AppProjectSpec {
  readonly description: string;
  readonly sourceRepos: readonly string[];
  readonly destinations: readonly Destination[];
  /** Cluster-scoped kinds the project may manage; empty means none. */
  /** Cluster-scoped kinds the project may manage; with a name, only that object (a glob, Argo CD v3.4 isNamedResourceInList). */
  readonly clusterResourceWhitelist: readonly (GroupKind & { readonly name?: string })[];
  /** Namespaced kinds the project may manage; unset means every namespaced kind. */
  readonly namespaceResourceWhitelist?: readonly GroupKind[];
  readonly syncWindows?: readonly SyncWindow[];
  readonly orphanedResources?: { readonly warn: boolean };
}

export interface AppProjectProps {
  readonly metadata: ObjectMeta;
  readonly spec: AppProjectSpec;
}

export class AppProject extends ApiObject {
  constructor(scope: Construct, id: string, props: AppProjectProps) {
    super(scope, id, {
      apiVersion: ARGOCD_API_VERSION,
      kind: 'AppProject',
      metadata: apiMetadata(props.metadata),
      spec: props.spec,
    });
  }
}

export interface HelmSource {
  readonly releaseName?: string;
  /** Value files; `$values/...` refers to the source whose `ref` is `values`. */
  readonly valueFiles?: readonly string[];
}

export interface KustomizeSource {
  readonly commonLabels?: Readonly<Record<string, string>>;
}

export interface ApplicationSource {
  readonly repoURL: string;
  readonly targetRevision: string;
  /** A folder in a Git repository (Kustomize or plain manifests). */
  readonly path?: string;
  /** A chart in a Helm repository. */
  readonly chart?: string;
  readonly helm?: HelmSource;
  /** Names this source so other sources can read files from it (`$<ref>/...`). */
  readonly ref?: string;
}

export interface RetryStrategy {
  /** Attempts after a failed sync; a negative number retries without limit. */
  readonly limit: number;
  readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string };
  /** Retry on the newest commit of the source rather than the one that failed. */
  readonly refresh?: boolean;
}

export interface SyncPolicy {
  readonly automated?: { readonly prune: boolean; readonly selfHeal: boolean };
  readonly syncOptions?: readonly string[];
  readonly retry?: RetryStrategy;
  /** Labels and annotations Argo CD sets on the destination namespace it creates (CreateNamespace=true only). */
  readonly managedNamespaceMetadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
}

export interface ApplicationSpec {
  readonly project: string;
  /** Exactly one of source and sources. */
  readonly source?: ApplicationSource;
  readonly sources?: readonly ApplicationSource[];
  readonly destination: Destination;
  readonly syncPolicy?: SyncPolicy;
  readonly revisionHistoryLimit?: number;
}

export interface ApplicationProps {
  readonly metadata: ObjectMeta;
  readonly spec: ApplicationSpec;
}

export class Application extends ApiObject {
  constructor(scope: Construct, id: string, props: ApplicationProps) {
    const { source, sources } = props.spec;
    if ((source === undefined) === (sources === undefined)) {
      throw new Error(`Application ${props.metadata.name}: set exactly one of spec.source and spec.sources`);
    }
    super(scope, id, {
      apiVersion: ARGOCD_API_VERSION,
      kind: 'Application',
      metadata: apiMetadata(props.metadata),
      spec: props.spec,
    });
  }
}

/** cdk8s wants mutable metadata; ours is readonly so constructs cannot change each other's. */
function apiMetadata(metadata: ObjectMeta): ApiObjectMetadata {
  return {
    namespace: ARGOCD_NAMESPACE,
    ...metadata,
    labels: metadata.labels ? { ...metadata.labels } : undefined,
    annotations: metadata.annotations ? { ...metadata.annotations } : undefined,
    finalizers: metadata.finalizers ? [...metadata.finalizers] : undefined,
  };
}
