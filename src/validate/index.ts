/**
 * `hivebox-gitops validate` as a library: validateRepository renders and checks
 * the repository; validateManifests checks in-memory manifests (benches, tests).
 */
export { validateManifests, DEFAULT_KUBERNETES_VERSION, WAIVER_PREFIX } from './engine.ts';
export { validateRepository, parityPairs, requiresDigest, ARGOCD_SCOPE, type ValidateRepositoryOptions } from './repository.ts';
export { RULES } from './rules.ts';
export type * from './types.ts';
