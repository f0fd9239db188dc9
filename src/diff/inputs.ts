/**
 * When may one side's rendering stand in for the other's? When kustomize would read
 * byte-identical files on both sides. A PR that changes one environment leaves the
 * other overlays' inputs untouched, and rendering them twice is wasted time.
 *
 * Conservative by construction: the overlay's own folder and base/ must be identical,
 * and no kustomization in them may point anywhere else (another folder, a URL), since
 * such a file could differ without this check seeing it. Anything unclear: render both.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseYamlCached as parse } from '../toolchain/yaml-cache.ts';

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;
const UNPARSABLE = Symbol('unparsable');

export class InputComparer {
  private readonly treeCache = new Map<string, boolean>();

  constructor(
    private readonly baseDir: string,
    private readonly headDir: string,
  ) {}

  /** Parsed kustomization files: base/'s is read once for every environment. */
  private readonly parsed = new Map<string, unknown>();

  /** True when `envs/<env>` renders from identical, self-contained inputs on both sides. */
  sameInputs(env: string): boolean {
    const trees = [join('envs', env), 'base'];
    if (!trees.every((tree) => this.sameTree(tree))) return false;
    return trees.every((tree) => selfContained(this.headDir, tree, trees, this.parsed));
  }

  private sameTree(tree: string): boolean {
    let same = this.treeCache.get(tree);
    if (same === undefined) {
      same = sameFiles(join(this.baseDir, tree), join(this.headDir, tree));
      this.treeCache.set(tree, same);
    }
    return same;
  }
}

function sameFiles(a: string, b: string): boolean {
  const left = listFiles(a);
  const right = listFiles(b);
  if (left.length !== right.length || left.some((file, i) => file !== right[i])) return false;
  return left.every((file) => readFileSync(join(a, file)).equals(readFileSync(join(b, file))));
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(join(dir, entry.name), path));
    else files.push(path);
  }
  return files.sort();
}

/** Every string in every kustomization under `tree` stays inside `allowed` and is no URL. */
function selfContained(root: string, tree: string, allowed: readonly string[], parsed: Map<string, unknown>): boolean {
  const allowedDirs = allowed.map((dir) => resolve(root, dir));
  for (const file of listFiles(join(root, tree)).filter((f) => KUSTOMIZATION.test(f.split('/').pop()!))) {
    const path = join(root, tree, file);
    let document: unknown;
    if (parsed.has(path)) document = parsed.get(path);
    else {
      try {
        document = parse(readFileSync(path, 'utf8'));
      } catch {
        document = UNPARSABLE;
      }
      parsed.set(path, document);
    }
    if (document === UNPARSABLE) return false;
    const dir = resolve(path, '..');
    for (const value of strings(document)) {
      if (/:\/\//.test(value) || /^(git@|github\.com\/)/.test(value)) return false;
      // Names and versions are no paths; a leading slash is a JSON pointer (`path: /spec/replicas`).
      if (!/[/.]/.test(value) || value.startsWith('/')) continue;
      const target = resolve(dir, value);
      const inside = allowedDirs.some((allowedDir) => {
        const rel = relative(allowedDir, target);
        return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
      });
      if (!inside) return false;
    }
  }
  return true;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
