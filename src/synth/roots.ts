/** The folders whose generated files synth owns (it never touches a file without the generated header). */
export const GENERATED_ROOTS = ['base', 'envs', 'argocd', 'docs'] as const;
