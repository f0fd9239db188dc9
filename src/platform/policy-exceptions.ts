/**
 * Where Kyverno accepts PolicyExceptions on a cluster, as its chart values configure it
 * (features.policyExceptions → the admission controller's --enablePolicyException and
 * --exceptionNamespace flags, charts/kyverno/templates/_helpers.tpl). Kyverno 1.19
 * (cmd/internal/engine.go, NewExceptionSelector) honours none when the feature is off, none
 * when it is on without a namespace, and those of every namespace for "*".
 */
import type { Values } from './values.ts';

/** The one namespace exceptions are honoured from, "*" for all, undefined for none. */
export function policyExceptionNamespace(values: Values): string | undefined {
  const features = values.features as { policyExceptions?: { enabled?: unknown; namespace?: unknown } } | undefined;
  const setting = features?.policyExceptions;
  if (setting?.enabled !== true) return undefined;
  return typeof setting.namespace === 'string' && setting.namespace !== '' ? setting.namespace : undefined;
}
