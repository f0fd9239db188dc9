/** The shapes `validate` reads and reports, shared by its checks, formats and the programmatic API. */
import type { ChartValues } from '../platform/values.ts';
import type { Manifest } from '../synth/types.ts';

export type Severity = 'error' | 'warning';
export type RuleCategory = 'schema' | 'security' | 'reliability' | 'sync-window' | 'parity' | 'waiver';

export interface RuleInfo {
  readonly id: string;
  readonly category: RuleCategory;
  readonly severity: Severity;
  /** What the rule requires, in a few words. */
  readonly title: string;
  /** One line: how to fix a finding. */
  readonly fix: string;
}

export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A file (repository-relative, posix) and optionally a 1-based line in it. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** The environment (or "argocd") the resource was rendered in. */
  readonly scope: string;
  readonly resource: ResourceRef;
  /** Field path inside the resource, e.g. spec.template.spec.containers[0].image ('' = the resource). */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  readonly location?: SourceLocation;
  /** Parity findings: the two sides, e.g. { staging: ..., prod: ... }. */
  readonly sides?: Readonly<Record<string, unknown>>;
}

export interface Waiver {
  readonly ruleId: string;
  readonly scope: string;
  readonly resource: ResourceRef;
  readonly reason: string;
  /** How many findings it silenced in this scope (0 = the waiver is no longer needed). */
  readonly waived: number;
  readonly location?: SourceLocation;
}

export interface ScopeSummary {
  readonly name: string;
  /** The file that defines the scope (envs/<env>/env.yaml, argocd/kustomization.yaml), if any. */
  readonly file?: string;
  readonly kubernetesVersion: string;
  /** The Kubernetes version whose OpenAPI the core schemas come from (schemas/coverage.ts). */
  readonly schemaVersion: string;
  readonly resources: number;
}

export interface ValidationReport {
  readonly scopes: readonly ScopeSummary[];
  readonly resourceCount: number;
  /** Sorted by scope, resource, rule. Waived findings are not here but in `waivers`. */
  readonly findings: readonly Finding[];
  readonly waivers: readonly Waiver[];
  /** Every rule that ran (SARIF lists them; text and json explain them). */
  readonly rules: readonly RuleInfo[];
}

/** One set of rendered manifests checked together: an environment, or argocd/. */
export interface ScopeInput {
  readonly name: string;
  /** The file that defines the scope; findings that cannot be located in a generated file point here. */
  readonly file?: string;
  /** Target Kubernetes minor version, e.g. "1.31" (default: the env.yaml default). */
  readonly kubernetesVersion?: string;
  /** Images must be pinned by digest (default false). */
  readonly requireDigest?: boolean;
  readonly manifests: readonly Manifest[];
  /** Where a resource (and, when it can tell, a field of it) is written in the repository. */
  readonly locate?: (manifest: Manifest, path: string) => SourceLocation | undefined;
}

export interface ParityPair {
  /** The environment that must mirror (staging). */
  readonly mirror: string;
  /** The environment it mirrors (prod). */
  readonly of: string;
}

export interface ValidateManifestsOptions {
  readonly scopes: readonly ScopeInput[];
  readonly parity?: readonly ParityPair[];
  /** The platform charts' merged values per cluster (for rules on what Argo CD and the platform are configured to do). */
  readonly chartValues?: readonly ChartValues[];
  /** The rendered manifests of each folder an Application can deploy, by repository-relative path. */
  readonly folders?: ReadonlyMap<string, readonly Manifest[]>;
}
