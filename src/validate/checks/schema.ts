/** Schemas, strict, per target Kubernetes version: the registry in src/schemas does the work. */
import { validateSchema, type SchemaViolationReason } from '../../schemas/index.ts';
import type { Check } from '../check.ts';

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
  for (const manifest of scope.manifests) {
    for (const violation of validateSchema(manifest, scope.kubernetesVersion)) {
      report(RULE_BY_REASON[violation.reason], manifest, violation.path, violation.message);
    }
  }
};
