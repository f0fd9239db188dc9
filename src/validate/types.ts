/** The shapes `validate` reads and reports, shared by its checks, formats and the programmatic API. */
import type { ChartValues } from '../platform/values.ts';
import type { SettingSource } from '../sources/map.ts';
import type { Manifest } from '../kube/manifest.ts';

export type { SettingSource };

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
  /**
   * The env.yaml settings that produce the field (envs/<env>/sources.yaml), those an env.yaml sets
   * first; for parity, both environments'. Absent when no setting produces it (the constructs do).
   */
  readonly settings?: readonly SettingSource[];
}

/** A finding a waiver silenced, with the waiver's reason. */
export interface WaivedFinding extends Finding {
  readonly waiver: { readonly reason: string; readonly location?: SourceLocation; readonly expires?: string };
}

/**
 * What became of a waiver: it silenced findings (active, waived > 0), it matches nothing here
 * (unused: a warning), its rule did not run in this selection (not-checked), or it is past its
 * date (expired: a finding of its own, and it silences nothing).
 */
export type WaiverStatus = 'active' | 'unused' | 'not-checked' | 'expired';

/** A waiver in env.yaml (`waivers:`): one rule, on one resource or the whole environment, until a date. */
export interface EnvWaiver {
  readonly rule: string;
  /** Kind/name; absent: every resource of the environment. */
  readonly resource?: string;
  readonly reason: string;
  /** The last day it applies, YYYY-MM-DD (UTC). */
  readonly expires: string;
  /** Its place in env.yaml: waivers[<index>]. */
  readonly path: string;
  readonly location?: SourceLocation;
}

export interface Waiver {
  readonly ruleId: string;
  readonly scope: string;
  readonly resource: ResourceRef;
  readonly reason: string;
  /** How many findings it silenced in this scope (0 = the waiver is no longer needed). */
  readonly waived: number;
  readonly location?: SourceLocation;
  /** env.yaml waivers only: the last day it applies, its place in env.yaml and what became of it. */
  readonly expires?: string;
  readonly path?: string;
  readonly status?: WaiverStatus;
}

/** Something a rule explains without failing: a platform namespace below Pod Security restricted, and why. */
export interface ValidationNote {
  readonly rule: string;
  readonly scope: string;
  readonly message: string;
}

/** A check that did not run, and why (e.g. parity when one environment of the pair is not selected). */
export interface SkippedCheck {
  readonly rule: string;
  readonly scope: string;
  readonly reason: string;
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
  /** The findings waivers silenced, each with its waiver's reason. */
  readonly waived: readonly WaivedFinding[];
  /** Checks this selection could not run. */
  readonly skipped: readonly SkippedCheck[];
  /** What rules explain without a finding (text lists them under Notes). */
  readonly notes: readonly ValidationNote[];
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
  /** The env.yaml settings behind a field of a resource (Kind/name). */
  readonly settings?: (resource: string, path: string) => readonly SettingSource[];
  /** The environment's env.yaml waivers. */
  readonly waivers?: readonly EnvWaiver[];
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
  /** Today, YYYY-MM-DD (UTC), for waiver expiry; default: the system clock's. */
  readonly today?: string;
  /** Checks the caller could not run (reported as such). */
  readonly skipped?: readonly SkippedCheck[];
}
