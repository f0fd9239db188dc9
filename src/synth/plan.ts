/**
 * Everything synth writes, computed in memory: nothing touches the disk until
 * the whole plan exists, so a bad env.yaml or a failing construct leaves the
 * working tree exactly as it was.
 */
import { synthesizeArgoCd } from '../argocd/index.ts';
import { ARCHITECTURE_PATH, renderArchitecture } from '../docs/architecture.ts';
import { baseEnvironment, type Environment } from '../config/environment.ts';
import { loadEnvironments } from '../config/load.ts';
import { renderBase } from './base.ts';
import { customComponent } from './custom.ts';
import { renderEnvSchema } from './env-schema.ts';
import { renderOverlay } from './overlay.ts';
import { renderEnvironment, renderForComparison } from './render.ts';
import { sourceMapPath } from '../sources/map.ts';
import { renderSourceMap } from '../sources/render-map.ts';
import { traceSettings } from '../sources/trace.ts';
import { cachedTrace } from '../sources/trace-cache.ts';
import { repositoryInfo } from '../config/repository.ts';
import type { GeneratedFile } from '../kube/generated-file.ts';

import { isHandWritten } from './roots.ts';

export { GENERATED_ROOTS } from './roots.ts';

export interface Plan {
  readonly environments: readonly Environment[];
  readonly files: ReadonlyMap<string, string>;
  /** The argocd/ files by path: the objects each was written from (what docs/architecture.md is drawn from). */
  readonly argoCdDocuments: ReadonlyMap<string, readonly unknown[]>;
}

export async function plan(root: string): Promise<Plan> {
  const environments = loadEnvironments(root);
  const repo = repositoryInfo(root);
  const baseEnv = baseEnvironment();
  const base = renderEnvironment(baseEnv);
  const files: GeneratedFile[] = [
    ...renderBase(base),
    renderEnvSchema(),
    ...environments.flatMap((environment) => {
      const manifests = renderEnvironment(environment);
      return [
        ...renderOverlay({ environment, base, baseEnvironment: baseEnv, manifests, component: customComponent(root, environment.name) }),
        {
          path: sourceMapPath(environment.name),
          content: renderSourceMap(
            environment.file,
            cachedTrace(environment, () => traceSettings(environment, renderForComparison, manifests)),
          ),
        },
      ];
    }),
  ];
  const argocd = synthesizeArgoCd(environments, repo);
  files.push(...argocd);
  const byPath = new Map<string, string>();
  for (const file of files) {
    if (byPath.has(file.path)) throw new Error(`two generated files claim ${file.path}`);
    if (isHandWritten(file.path)) throw new Error(`synth must not write ${file.path}: envs/<env>/custom/ is hand-written`);
    byPath.set(file.path, file.content);
  }
  // The architecture diagram is drawn from the objects the argocd/ files just planned were written from,
  // so it cannot drift from them (test/docs.test.ts reads the files back and compares).
  const argoCdDocuments = new Map(argocd.map(({ path, documents }) => [path, documents]));
  byPath.set(ARCHITECTURE_PATH, renderArchitecture(argoCdDocuments));
  return { environments, files: new Map([...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), argoCdDocuments };
}

/** Repository-relative path → content of every file synth would write. */
export async function planOutputs(root: string): Promise<Map<string, string>> {
  return new Map((await plan(root)).files);
}
