/** The folders whose generated files synth owns (it never touches a file without the generated header). */
export const GENERATED_ROOTS = ['base', 'envs', 'argocd', 'docs'] as const;

/** The folder of envs/<env>/ that holds a person's Kustomize Component (custom.ts): never synth's. */
export const CUSTOM = 'custom';

/** Whether a repository-relative path lies in a hand-written Component folder (envs/<env>/custom/). */
export function isHandWritten(path: string): boolean {
  return new RegExp(`^envs/[^/]+/${CUSTOM}(/|$)`).test(path);
}
