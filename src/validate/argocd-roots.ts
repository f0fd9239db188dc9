/**
 * The kustomizations under argocd/ that validate renders: each cluster's root, and every one a
 * root does not (transitively) include, such as a platform folder an Application points at.
 * Apart from validate's heavier modules, so check can start rendering them early.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import type * as Yaml from 'yaml';
import { cachedValue } from '../toolchain/value-cache.ts';
import { ARGOCD_SCOPE } from './check.ts';
import { asArray, asObject } from './workloads.ts';

/** The yaml package, loaded only when the answer is not kept from an earlier run. */
const parseAllDocuments = (text: string): Yaml.Document.Parsed[] =>
  (createRequire(import.meta.url)('yaml') as typeof Yaml).parseAllDocuments(text) as Yaml.Document.Parsed[];

/** Kustomization folders under argocd/: the root, and every one the root (transitively) does not include. */
export function argocdRoots(root: string): string[] {
  const base = join(root, ARGOCD_SCOPE);
  const all: string[] = [];
  const walk = (dir: string) => {
    if (existsSync(join(dir, 'kustomization.yaml'))) all.push(dir);
    for (const name of readdirSync(dir).sort()) if (statSync(join(dir, name)).isDirectory()) walk(join(dir, name));
  };
  walk(base);
  const texts = new Map(all.map((dir) => [dir, readFileSync(join(dir, 'kustomization.yaml'), 'utf8')]));
  // Which folders include which depends only on these files: the answer is kept between runs (value-cache.ts).
  const inputs = all.flatMap((dir) => [relative(root, dir), texts.get(dir)!]);
  const kept = cachedValue('argocd-roots', inputs, () => notIncluded(all, texts).map((dir) => relative(root, dir)));
  return kept.map((dir) => join(root, dir));
}

function notIncluded(all: readonly string[], texts: ReadonlyMap<string, string>): string[] {
  const included = new Set<string>();
  const include = (dir: string) => {
    const kustomization = asObject(parseAllDocuments(texts.get(dir)!)[0]?.toJS());
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
