/**
 * Schemas, strict, per target Kubernetes version: the registry in src/schemas does the work.
 * A manifest's violations are kept between runs (value-cache.ts, one table per scope) under its
 * exact content and the target version: a pull request changes a few resources, and only those
 * load and run their validators (a kind's compiled validator is a few hundred kilobytes of code).
 */
import { validateSchema, type SchemaViolation, type SchemaViolationReason } from '../../schemas/index.ts';
import { KeptTable } from '../../toolchain/value-cache.ts';
import { type Check, rule, type ScopeRules } from '../check.ts';

const RULE_BY_REASON: Record<SchemaViolationReason, string> = {
  'unknown-field': 'schema-unknown-field',
  'missing-field': 'schema-invalid',
  'invalid-value': 'schema-invalid',
  'unknown-kind': 'schema-unknown-kind',
  'removed-api': 'api-removed',
  'unavailable-api': 'api-removed',
  'deprecated-api': 'api-deprecated',
};

export const schemaCheck: Check = (scope, report) => {
  const kept = new KeptTable<SchemaViolation[]>('schema', scope.name);
  for (const manifest of scope.manifests) {
    const violations = kept.get([scope.kubernetesVersion, JSON.stringify(manifest)], () =>
      validateSchema(manifest, scope.kubernetesVersion),
    );
    for (const violation of violations) {
      report(RULE_BY_REASON[violation.reason], manifest, violation.path, violation.message);
    }
  }
  kept.save();
};

export const schemaRules: ScopeRules = {
  rules: [
    rule(
      'schema-unknown-field',
      'schema',
      'Every field exists in the schema of the kind and API version',
      'Remove the field or fix its spelling; check the API version the field belongs to.',
    ),
    rule(
      'schema-invalid',
      'schema',
      'Required fields are present and values have the schema type',
      'Set the field to a value of the expected type.',
    ),
    rule(
      'schema-unknown-kind',
      'schema',
      'The kind is a Kubernetes API or a CRD with a known schema',
      'Use a Kubernetes or supported CRD kind and API version, or add its schema to src/schemas.',
    ),
    rule(
      'api-removed',
      'schema',
      'The API version is served by the target Kubernetes version',
      'Move to the replacement API version named in the message.',
    ),
    rule(
      'api-deprecated',
      'schema',
      'The API version is not deprecated in the target Kubernetes version',
      'Move to the replacement API version before it is removed.',
      'warning',
    ),
  ],
  check: schemaCheck,
};
