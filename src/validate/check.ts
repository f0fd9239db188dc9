/**
 * What every check receives: one scope's manifests, indexed once, and a way to report; and how a
 * check declares the rules it reports, beside it (rules.ts assembles them into the catalogue).
 */
import type { ChartValues } from '../platform/values.ts';
import type { Manifest } from '../kube/manifest.ts';
import type { RuleInfo, ValidationNote } from './types.ts';
import { namespaceOf } from './workloads.ts';

/** The scope of the argocd/ tree (every other scope is an environment). */
export const ARGOCD_SCOPE = 'argocd';

export interface ScopeView {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly requireDigest: boolean;
  readonly manifests: readonly Manifest[];
  /** Manifests by namespace ('' for cluster-scoped or unset). */
  readonly byNamespace: ReadonlyMap<string, readonly Manifest[]>;
  /** Manifests of one kind, in one namespace. */
  ofKind(kind: string, namespace: string): readonly Manifest[];
}

export type Report = (ruleId: string, manifest: Manifest, path: string, message: string, sides?: Readonly<Record<string, unknown>>) => void;

export type Check = (scope: ScopeView, report: Report) => void;

/**
 * Everything validated at once, for rules that need more than one scope: how
 * argocd/ deploys the environments, and what the platform charts are given.
 */
export interface RepositoryView {
  /** Every scope by name: each environment, and argocd. */
  readonly scopes: ReadonlyMap<string, ScopeView>;
  /** The merged Helm values of every platform component on every cluster in use. */
  readonly chartValues: readonly ChartValues[];
  /**
   * What each folder of this repository an Application can point at renders to
   * (envs/<env>, argocd/<cluster>/platform/<component>…), by repository-relative path.
   */
  readonly folders: ReadonlyMap<string, readonly Manifest[]>;
}

/** Reports into one scope (the finding is located and grouped there). */
export type ReportIn = (scope: string) => Report;

export type RepositoryCheck = (repository: RepositoryView, reportIn: ReportIn) => void;

/** Checks one environment (staging) against the one it mirrors (prod). */
export type PairCheck = (mirror: ScopeView, of: ScopeView, report: Report) => void;

/** A rule: its id (the one a waiver names), what it requires and the one-line fix printed under a finding. */
export function rule(
  id: string,
  category: RuleInfo['category'],
  title: string,
  fix: string,
  severity: RuleInfo['severity'] = 'error',
): RuleInfo {
  return { id, category, severity, title, fix };
}

/** Rules, declared in the module of the check that reports them; that check reports no other. */
export interface Rules {
  readonly rules: readonly RuleInfo[];
}
/** Rules one check reports on each scope (an environment, or argocd/). */
export interface ScopeRules extends Rules {
  readonly check: Check;
}
/** Rules one check reports on the whole repository. */
export interface RepositoryRules extends Rules {
  readonly checkRepository: RepositoryCheck;
  /** What the report should say that is not a finding (a level below restricted, and why). @default none */
  readonly notes?: (repository: RepositoryView) => ValidationNote[];
}
/** Rules one check reports on a pair of environments. */
export interface PairRules extends Rules {
  readonly checkPair: PairCheck;
}

export function viewOf(name: string, kubernetesVersion: string, requireDigest: boolean, manifests: readonly Manifest[]): ScopeView {
  const byNamespace = new Map<string, Manifest[]>();
  const byKind = new Map<string, Manifest[]>();
  for (const manifest of manifests) {
    const namespace = namespaceOf(manifest);
    (byNamespace.get(namespace) ?? byNamespace.set(namespace, []).get(namespace)!).push(manifest);
    const key = `${manifest.kind}\u0000${namespace}`;
    (byKind.get(key) ?? byKind.set(key, []).get(key)!).push(manifest);
  }
  return {
    name,
    kubernetesVersion,
    requireDigest,
    manifests,
    byNamespace,
    ofKind: (kind, namespace) => byKind.get(`${kind}\u0000${namespace}`) ?? [],
  };
}
