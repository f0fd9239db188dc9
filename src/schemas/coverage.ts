/**
 * The Kubernetes versions `validate` can vouch for, in one place: env.yaml's `kubernetesVersion`
 * must be one of them (exit 2 otherwise), and validate names the schemas it checked against.
 *
 * - The core schemas (data/kubernetes.json) are generated (generate.ts) from @kubernetes/client-node
 *   1.4.0's models, which kubernetes-client/javascript generated from Kubernetes v1.34.0's OpenAPI
 *   (tag 1.4.0, file `settings`: KUBERNETES_BRANCH="v1.34.0"). A cluster older
 *   than that lacks fields these schemas accept, so older targets are outside the range.
 * - One minor newer (1.35, the kubectl and kustomize this repository vendors) is inside: Kubernetes'
 *   API deprecation policy never removes a GA field or version within v1, so a 1.35 cluster accepts
 *   what the 1.34 schemas accept, and the beta API versions 1.35 stopped serving are in the
 *   deprecation table (deprecations.ts). A field new in 1.35 is reported as unknown, never passed.
 * - Kubernetes releases (kubernetes.io/releases): 1.34 reached end of life on 2026-10-27, 1.35 is
 *   supported until 2027-02-28. The default (config/schema.ts) is the newest supported one here.
 * Widening the range means regenerating data/kubernetes.json from a newer client-node (generate.ts)
 * and adding that release's removals to the deprecation table.
 */
export const SCHEMA_KUBERNETES_VERSION = '1.34';

/** Every `kubernetesVersion` an env.yaml may name, oldest first. */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.34', '1.35'] as const;
