/**
 * Kyverno's kyverno.io/v1 ClusterPolicy and Policy, transcribed by hand from
 * the Go types in kyverno/kyverno api/kyverno/v1 (spec_types.go, rule_types.go,
 * match_resources_types.go, resource_description_types.go; Kyverno 1.12–1.14)
 * because no npm package carries them. Only read by src/schemas/generate.ts.
 *
 * Strict where a typo is likely and silently ignored (spec, rules, match,
 * validate, mutate, generate); free-form where upstream marks the field
 * x-kubernetes-preserve-unknown-fields (patterns, conditions, patches, data)
 * or where the structure is large and rarely written by hand here (verifyImages,
 * foreach, cel, manifests, context sources).
 */

/** Upstream: x-kubernetes-preserve-unknown-fields, or kept free-form on purpose (see above). */
type FreeForm = Record<string, unknown>;

interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

interface Subject {
  kind: string;
  name: string;
  apiGroup?: string;
  namespace?: string;
}

interface ResourceDescription {
  kinds?: string[];
  name?: string;
  names?: string[];
  namespaces?: string[];
  annotations?: Record<string, string>;
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations?: Array<'CREATE' | 'CONNECT' | 'UPDATE' | 'DELETE'>;
}

interface ResourceFilter {
  resources?: ResourceDescription;
  subjects?: Subject[];
  roles?: string[];
  clusterRoles?: string[];
}

interface MatchResources {
  any?: ResourceFilter[];
  all?: ResourceFilter[];
  /** Deprecated inline form (use any/all). */
  resources?: ResourceDescription;
  subjects?: Subject[];
  roles?: string[];
  clusterRoles?: string[];
}

type FailureAction = 'audit' | 'enforce' | 'Audit' | 'Enforce';

interface FailureActionOverride {
  action?: FailureAction;
  namespaces?: string[];
  namespaceSelector?: LabelSelector;
}

interface PodSecurityStandard {
  controlName: string;
  images?: string[];
  restrictedField?: string;
  values?: string[];
}

interface PodSecurity {
  level?: 'privileged' | 'baseline' | 'restricted';
  version?: string;
  exclude?: PodSecurityStandard[];
}

interface Deny {
  conditions?: unknown;
}

interface Validation {
  failureAction?: 'Audit' | 'Enforce';
  failureActionOverrides?: FailureActionOverride[];
  validationFailureAction?: FailureAction;
  validationFailureActionOverrides?: FailureActionOverride[];
  allowExistingViolations?: boolean;
  message?: string;
  manifests?: FreeForm;
  foreach?: FreeForm[];
  pattern?: unknown;
  anyPattern?: unknown;
  deny?: Deny;
  podSecurity?: PodSecurity;
  cel?: FreeForm;
  assert?: unknown;
}

interface Mutation {
  mutateExistingOnPolicyUpdate?: boolean;
  targets?: FreeForm[];
  patchStrategicMerge?: unknown;
  patchesJson6902?: string;
  foreach?: FreeForm[];
}

interface CloneFrom {
  namespace?: string;
  name?: string;
}

interface CloneList {
  namespace?: string;
  kinds?: string[];
  selector?: LabelSelector;
}

interface Generation {
  generateExisting?: boolean;
  synchronize?: boolean;
  orphanDownstreamOnPolicyDelete?: boolean;
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  data?: unknown;
  clone?: CloneFrom;
  cloneList?: CloneList;
  foreach?: FreeForm[];
}

interface ContextEntry {
  name: string;
  configMap?: FreeForm;
  apiCall?: FreeForm;
  imageRegistry?: FreeForm;
  variable?: FreeForm;
  globalReference?: FreeForm;
}

interface CelPrecondition {
  name: string;
  expression: string;
}

interface ImageExtractorConfig {
  path: string;
  value?: string;
  name?: string;
  key?: string;
  jmesPath?: string;
}

interface Rule {
  name: string;
  context?: ContextEntry[];
  match: MatchResources;
  exclude?: MatchResources;
  imageExtractors?: Record<string, ImageExtractorConfig[]>;
  preconditions?: unknown;
  celPreconditions?: CelPrecondition[];
  mutate?: Mutation;
  validate?: Validation;
  generate?: Generation;
  verifyImages?: FreeForm[];
  skipBackgroundRequests?: boolean;
  reportProperties?: Record<string, string>;
}

interface MatchCondition {
  name: string;
  expression: string;
}

interface WebhookConfiguration {
  failurePolicy?: 'Ignore' | 'Fail';
  timeoutSeconds?: number;
  matchConditions?: MatchCondition[];
}

interface Spec {
  rules?: Rule[];
  applyRules?: 'All' | 'One';
  failurePolicy?: 'Ignore' | 'Fail';
  validationFailureAction?: FailureAction;
  validationFailureActionOverrides?: FailureActionOverride[];
  emitWarning?: boolean;
  auditWarning?: boolean;
  admission?: boolean;
  background?: boolean;
  schemaValidation?: boolean;
  webhookTimeoutSeconds?: number;
  mutateExistingOnPolicyUpdate?: boolean;
  generateExistingOnPolicyUpdate?: boolean;
  generateExisting?: boolean;
  useServerSideApply?: boolean;
  webhookConfiguration?: WebhookConfiguration;
}

/** Replaced by Kubernetes' ObjectMeta in the generated schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ObjectMeta = any;

export interface ClusterPolicy {
  apiVersion: 'kyverno.io/v1';
  kind: 'ClusterPolicy';
  metadata: ObjectMeta;
  spec: Spec;
  status?: FreeForm;
}

export interface Policy {
  apiVersion: 'kyverno.io/v1';
  kind: 'Policy';
  metadata: ObjectMeta;
  spec: Spec;
  status?: FreeForm;
}
