/**
 * Where a rendered resource, and a field of it, is written in the repository:
 * the overlay patch that sets the field when there is one, else the file under
 * base/ (or envs/<env>/, argocd/) that defines the resource, at the line of
 * the field or of its nearest ancestor that the file has.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type * as Yaml from 'yaml';
import { yamlLibrary as yaml } from '../kube/yaml.ts';
import type { Manifest } from '../kube/manifest.ts';
import type { SourceLocation } from './types.ts';
import { asArray, asObject } from './workloads.ts';
import { jsonPointerSegments, parseFieldPath, type Segment } from '../kube/field-path.ts';
import { lineOf, type Parsed } from '../sources/yaml-line.ts';

interface JsonPatchOp {
  readonly segments: Segment[];
  readonly line: number;
}

interface Patch {
  readonly file: string;
  /** JSON 6902 operations, or a strategic-merge document. */
  readonly ops?: JsonPatchOp[];
  readonly merge?: Parsed;
}

const keyOf = (kind: unknown, name: unknown) => `${String(kind)}/${String(name)}`;

function parseFile(root: string, absolute: string): Parsed[] {
  const lines = new (yaml().LineCounter)();
  const file = relative(root, absolute).split(sep).join('/');
  return yaml()
    .parseAllDocuments(readFileSync(absolute, 'utf8'), { lineCounter: lines })
    .map((document) => ({ file, document: document as Yaml.Document.Parsed, lines }));
}

/** Parsed files, shared by the indexes of every environment (they all read base/). */
export type ParseCache = Map<string, Parsed[]>;

/**
 * Reads files only when first asked to locate something: a clean run reads none.
 */
export class SourceIndex {
  private readonly definitions = new Map<string, Parsed>();
  private readonly patches = new Map<string, Patch[]>();
  private readonly pending: Array<() => void> = [];

  constructor(
    private readonly root: string,
    private readonly cache: ParseCache = new Map(),
  ) {}

  private parse(absolute: string): Parsed[] {
    let parsed = this.cache.get(absolute);
    if (!parsed) this.cache.set(absolute, (parsed = parseFile(this.root, absolute)));
    return parsed;
  }

  /** Indexes the resources defined in YAML files under `dir` (recursively), skipping `exclude` folders. */
  addDefinitions(dir: string, exclude: ReadonlySet<string> = new Set()): this {
    const excluded = new Set(exclude);
    this.pending.push(() => this.indexDefinitions(dir, excluded));
    return this;
  }

  private indexDefinitions(dir: string, exclude: ReadonlySet<string>): void {
    for (const file of yamlFiles(dir, exclude)) {
      if (file.endsWith(`${sep}kustomization.yaml`)) continue;
      for (const parsed of this.parse(file)) {
        const object = asObject(parsed.document.toJS());
        if (typeof object.kind === 'string' && object.metadata)
          this.definitions.set(keyOf(object.kind, asObject(object.metadata).name), parsed);
      }
    }
  }

  /** Indexes the patches a kustomization.yaml applies (patches: with a path and a target). */
  addPatches(kustomizationDir: string): this {
    this.pending.push(() => this.indexPatches(kustomizationDir));
    return this;
  }

  private indexPatches(kustomizationDir: string): void {
    const file = join(kustomizationDir, 'kustomization.yaml');
    if (!existsSync(file)) return;
    const kustomization = asObject(yaml().parseAllDocuments(readFileSync(file, 'utf8'))[0]?.toJS());
    for (const entry of asArray(kustomization.patches).map(asObject)) {
      if (typeof entry.path !== 'string') continue;
      const target = asObject(entry.target);
      const absolute = join(kustomizationDir, entry.path);
      if (!existsSync(absolute)) continue;
      const [parsed] = this.parse(absolute);
      if (!parsed) continue;
      const contents = parsed.document.contents;
      let patch: Patch;
      if (yaml().isSeq(contents)) {
        const ops = contents.items.map((item, index) => ({
          segments: jsonPointerSegments(String(asObject(asArray(parsed.document.toJS())[index]).path ?? '')),
          line: parsed.lines.linePos((item as unknown as { range?: [number] } | null)?.range?.[0] ?? 0).line,
        }));
        patch = { file: parsed.file, ops };
      } else {
        patch = { file: parsed.file, merge: parsed };
      }
      const merged = asObject(parsed.document.toJS());
      const key = keyOf(target.kind ?? merged.kind, target.name ?? asObject(merged.metadata).name);
      (this.patches.get(key) ?? this.patches.set(key, []).get(key)!).push(patch);
    }
  }

  locate(manifest: Manifest, fieldPath: string): SourceLocation | undefined {
    for (const index of this.pending.splice(0)) index();
    const key = keyOf(manifest.kind, manifest.metadata.name);
    const segments = parseFieldPath(fieldPath);
    if (segments.length > 0) {
      for (const patch of this.patches.get(key) ?? []) {
        const op = patch.ops?.find((o) => isPrefix(o.segments, segments) || isPrefix(segments, o.segments));
        if (op) return { file: patch.file, line: op.line };
        if (patch.merge && patch.merge.document.hasIn(segments)) return { file: patch.file, line: lineOf(patch.merge, segments) };
      }
    }
    const definition = this.definitions.get(key);
    return definition ? { file: definition.file, line: lineOf(definition, segments) } : undefined;
  }
}

function isPrefix(prefix: readonly Segment[], path: readonly Segment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

function yamlFiles(dir: string, exclude: ReadonlySet<string>): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!exclude.has(path)) out.push(...yamlFiles(path, exclude));
    } else if (/\.ya?ml$/.test(name)) {
      out.push(path);
    }
  }
  return out;
}
