/**
 * Labels and annotations shared by every construct. Selectors use only the
 * stable app.kubernetes.io labels, never construct paths, so renaming a
 * construct never changes which pods a Service or NetworkPolicy selects.
 */
export const PART_OF = 'hivebox';
export const ENVIRONMENT_LABEL = 'hivebox.dev/environment';

/** The label that names a component; with the instance label, what selectors use. */
export const NAME_LABEL = 'app.kubernetes.io/name';

/** The labels that identify one component's pods (used in selectors). */
export function selectorLabels(component: string): Record<string, string> {
  return { [NAME_LABEL]: component, 'app.kubernetes.io/instance': component };
}

/** Selector labels plus the descriptive ones every object carries. */
export function componentLabels(component: string, role: string): Record<string, string> {
  return {
    ...selectorLabels(component),
    'app.kubernetes.io/component': role,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'hivebox-gitops',
  };
}

/**
 * Argo CD applies lower waves first and waits for them to be healthy:
 * namespace and guard rails, then credentials and policies, then the data
 * stores, then the bucket they need, then HiveBox itself.
 */
export const SyncWave = {
  Namespace: -2,
  Guardrails: -1,
  DataStores: 0,
  DataSetup: 1,
  App: 2,
} as const;

export function syncWave(wave: number): Record<string, string> {
  return { 'argocd.argoproj.io/sync-wave': String(wave) };
}

export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
/**
 * Argo CD prunes or deletes a resource carrying this only after a person confirms
 * (`argocd app confirm-deletion`, or the UI): neither a Git change that removes
 * it nor the deletion of its Application takes it away by itself.
 */
export const CONFIRM_DELETION = 'Prune=confirm,Delete=confirm';

/** The annotation a resource holding data that must survive gets in an environment that protects its data. */
export function deletionGuard(protect: boolean): Record<string, string> {
  return protect ? { [SYNC_OPTIONS_ANNOTATION]: CONFIRM_DELETION } : {};
}
