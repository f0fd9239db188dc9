import { SUPPORTED_KUBERNETES_VERSIONS } from '../schemas/coverage.ts';

/**
 * The Kubernetes minor version an environment targets unless its env.yaml says otherwise: the newest
 * one validate covers (schemas/coverage.ts). Apart from the schema (schema.ts) so that validate can
 * name it without loading zod.
 */
export const DEFAULT_KUBERNETES_VERSION: string = SUPPORTED_KUBERNETES_VERSIONS.at(-1)!;
