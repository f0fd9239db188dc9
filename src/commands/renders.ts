/**
 * Renders a command will ask for, started before it loads its heavier modules (zod, the
 * rules), so kustomize runs meanwhile. Through a memoizing build: the command asks the same
 * renders later and gets these, outputs and failures alike.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { KustomizeBuild } from '../toolchain/kubectl.ts';
import type { Progress } from './style.ts';

/** Starts rendering every envs/<name> that holds a kustomization and the argocd/ roots validate renders. */
export async function startRenders(root: string, build: KustomizeBuild): Promise<void> {
  // Anything odd here (no envs/, an unreadable folder, a broken kustomization) is left for the
  // command to find and report as it always has.
  try {
    const envs = join(root, 'envs');
    for (const entry of readdirSync(envs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.isDirectory() && existsSync(join(envs, entry.name, 'kustomization.yaml')))
        build(join(envs, entry.name)).catch(() => undefined);
    }
  } catch {
    // see above
  }
  if (!build.all || !existsSync(join(root, 'argocd'))) return;
  try {
    const { argocdRoots } = await import('../validate/argocd-roots.ts');
    for (const output of build.all(argocdRoots(root))) output.catch(() => undefined);
  } catch {
    // see above
  }
}

/**
 * The same build, reporting on `progress` how many of the kustomizations asked for so far are
 * rendered: rendering every environment and argocd/ takes seconds, and a terminal should show it.
 */
export function withProgress(build: KustomizeBuild, progress: Progress, root: string): KustomizeBuild {
  const asked = new Set<string>();
  let finished = 0;
  const show = () => progress.update(`rendering with kustomize: ${finished} of ${asked.size} done`);
  const track = (dir: string, output: Promise<string>): Promise<string> => {
    const key = relative(root, resolve(dir)) || '.';
    if (!asked.has(key)) {
      asked.add(key);
      const settle = () => {
        finished++;
        show();
      };
      output.then(settle, settle);
      show();
    }
    return output;
  };
  const tracked: KustomizeBuild = (dir) => track(dir, build(dir));
  if (build.all) tracked.all = (dirs) => build.all!(dirs).map((output, i) => track(dirs[i]!, output));
  return tracked;
}
