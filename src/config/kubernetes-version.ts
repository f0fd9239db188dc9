/**
 * The Kubernetes minor version an environment targets unless its env.yaml says otherwise. Apart
 * from the schema (schema.ts) so that validate can name it without loading zod.
 */
export const DEFAULT_KUBERNETES_VERSION = '1.31';
