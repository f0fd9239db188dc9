/**
 * The kustomizations under argocd/ that validate renders: each cluster's root, and every one a
 * root does not (transitively) include, such as a platform folder an Application points at.
 * Apart from validate's heavier modules, so check can start rendering them early.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ARGOCD_SCOPE } from './check.ts';
import { asArray, asObject } from './workloads.ts';

/** Kustomization folders under argocd/: the root, and every one the root (transitively) does not include. */
export function argocdRoots(root: string): string[] {
  const base = join(root, ARGOCD_SCOPE);
  const all: string[] = [];
  const walk = (dir: string) => {
    if (existsSync(join(dir, 'kustomization.yaml'))) all.push(dir);
    for (const name of readdirSync(dir).sort()) if (statSync(join(dir, name)).isDirectory()) walk(join(dir, name));
  };
  walk(base);
  const included = new Set<string>();
  const include = (dir: string) => {
    const kustomization = asObject(parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]?.toJS());
    for (const entry of asArray(kustomization.resources)) {
      const target = resolve(dir, String(entry));
      if (all.includes(target) && !included.has(target)) {
        included.add(target);
        include(target);
      }
    }
  };
  for (const dir of all) if (!included.has(dir)) include(dir);
  return all.filter((dir) => !included.has(dir));
}
