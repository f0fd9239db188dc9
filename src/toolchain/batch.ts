/**
 * Many kustomizations, few kustomize processes. Starting kubectl costs about as much as
 * rendering a small tree, and argocd/ holds a dozen small kustomizations (each cluster's
 * root and every platform folder an Application points at) that only list plain files.
 *
 * Kustomizations that only list local YAML files and folders like themselves (no
 * transformer, generator or patch: nothing that could act across them) are rendered
 * together, as the resources of one temporary kustomization, and the output is split back
 * by resource identity. That split is exact: kustomize turns each resource the same way on
 * its own or beside others, and orders the output by a total order on identities (its
 * legacy sort), so one folder's resources come out in the order they would alone. It is
 * also checked on every run: the identities read from the files must be exactly those in
 * the output, each once, or the batch is thrown away. Folders whose identities collide
 * go to different batches; anything unusual, and any failure, renders each folder on its
 * own, so errors read exactly as before.
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { groupOf, objectKey } from '../kube/object.ts';
import { kustomizeBuild } from './kubectl.ts';
import { parseYamlCached as parse } from './yaml-cache.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Each directory's `kubectl kustomize` output, in the order given. */
export function kustomizeBuildAll(dirs: readonly string[], env?: Env): Promise<string>[] {
  const absolute = dirs.map((dir) => resolve(dir));
  const results = new Map<string, Promise<string>>();
  const batches: { members: { dir: string; ids: readonly string[] }[]; keys: Set<string> }[] = [];
  for (const dir of new Set(absolute)) {
    const ids = plainIdentities(dir);
    if (!ids) {
      results.set(dir, kustomizeBuild(dir, env));
      continue;
    }
    const keys = ids.map(collisionKey);
    const batch = batches.find((b) => !keys.some((key) => b.keys.has(key)));
    if (batch) {
      batch.members.push({ dir, ids });
      for (const key of keys) batch.keys.add(key);
    } else {
      batches.push({ members: [{ dir, ids }], keys: new Set(keys) });
    }
  }
  for (const { members } of batches) {
    if (members.length === 1) {
      results.set(members[0]!.dir, kustomizeBuild(members[0]!.dir, env));
      continue;
    }
    const outputs = renderTogether(members, env);
    members.forEach(({ dir }, i) =>
      results.set(
        dir,
        outputs.then((all) => all?.[i] ?? kustomizeBuild(dir, env)),
      ),
    );
  }
  return absolute.map((dir) => results.get(dir)!);
}

/** The folders' outputs from one kustomize run, or undefined if anything does not add up. */
async function renderTogether(
  members: readonly { dir: string; ids: readonly string[] }[],
  env: Env | undefined,
): Promise<string[] | undefined> {
  const home = mkdtempSync(join(tmpdir(), 'hivebox-kustomize-'));
  let output: string;
  try {
    // kustomize takes other folders only by relative path.
    const resources = members.map(({ dir }) => `  - ${JSON.stringify(relative(home, dir).split('\\').join('/'))}\n`).join('');
    writeFileSync(
      join(home, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources}`,
    );
    output = await kustomizeBuild(home, env);
  } catch {
    return undefined;
  } finally {
    // Off the main thread: it has the rules to load meanwhile.
    await rm(home, { recursive: true, force: true });
  }
  const owner = new Map<string, number>();
  members.forEach(({ ids }, i) => ids.forEach((id) => owner.set(id, i)));
  const parts: string[][] = members.map(() => []);
  const seen = new Set<string>();
  for (const document of output.split(/^---\n/m)) {
    if (document === '') continue;
    const id = identity(document);
    const index = id === undefined ? undefined : owner.get(id);
    if (id === undefined || index === undefined || seen.has(id)) return undefined;
    seen.add(id);
    parts[index]!.push(document);
  }
  if (seen.size !== owner.size) return undefined;
  return parts.map((documents) => documents.join('---\n'));
}

/** The file names kustomize looks for in a kustomization directory, in its order. */
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;
const PLAIN_KEYS = new Set(['apiVersion', 'kind', 'resources']);

/**
 * The identities of every resource a kustomization renders, when it only lists local YAML
 * files and plain kustomization folders; undefined for anything else.
 */
export function plainIdentities(dir: string, visiting: ReadonlySet<string> = new Set()): string[] | undefined {
  const present = KUSTOMIZATION_NAMES.filter((name) => existsSync(join(dir, name)));
  if (present.length !== 1 || present[0] !== 'kustomization.yaml' || visiting.has(dir)) return undefined;
  let kustomization: unknown;
  try {
    kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof kustomization !== 'object' || kustomization === null || Array.isArray(kustomization)) return undefined;
  const fields = kustomization as Record<string, unknown>;
  if (!Object.keys(fields).every((key) => PLAIN_KEYS.has(key))) return undefined;
  if (fields.apiVersion !== undefined && fields.apiVersion !== 'kustomize.config.k8s.io/v1beta1') return undefined;
  if (fields.kind !== undefined && fields.kind !== 'Kustomization') return undefined;
  if (!Array.isArray(fields.resources)) return undefined;
  const ids: string[] = [];
  for (const entry of fields.resources as unknown[]) {
    if (typeof entry !== 'string' || entry === '' || isAbsolute(entry) || /:|\\|\?|(^|\/)\.\.?(\/|$)/.test(entry)) return undefined;
    const path = join(dir, entry);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return undefined;
    }
    const found = stat.isDirectory()
      ? plainIdentities(path, new Set([...visiting, dir]))
      : stat.isFile() && /\.ya?ml$/.test(entry)
        ? fileIdentities(readFileSync(path, 'utf8'))
        : undefined;
    if (!found) return undefined;
    ids.push(...found);
  }
  // A repeated identity is kustomize's error to report, alone.
  return new Set(ids).size === ids.length ? ids : undefined;
}

/** The identity of each document of a plain multi-document YAML file, or undefined if unsure. */
function fileIdentities(text: string): string[] | undefined {
  // Directives, document end markers and content on a `---` line: leave those to kustomize.
  if (/^(%|\.\.\.|---[ \t]*[^\s#])/m.test(text) || text.includes('\t') || text.includes('\r')) return undefined;
  const ids: string[] = [];
  for (const document of text.split(/^---[ \t]*(?:#.*)?$/m)) {
    if (document.split('\n').every((line) => line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    const id = identity(document);
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids;
}

/**
 * apiVersion, kind, namespace and name of a block-style document whose top-level keys start
 * at column 0 and whose metadata is indented by two spaces (what synth writes and kustomize
 * prints), or undefined.
 */
function identity(document: string): string | undefined {
  const apiVersion = single(document, /^apiVersion:(.*)$/gm);
  const kind = single(document, /^kind:(.*)$/gm);
  const metadata = /^metadata:[ \t]*\n((?:(?: {2}.*)?\n)*)/m.exec(document)?.[1];
  if (apiVersion === undefined || kind === undefined || metadata === undefined || [...document.matchAll(/^metadata:/gm)].length !== 1)
    return undefined;
  const name = single(metadata, /^ {2}name:(.*)$/gm);
  const namespaceLines = [...metadata.matchAll(/^ {2}namespace:(.*)$/gm)];
  if (name === undefined || namespaceLines.length > 1) return undefined;
  const namespace = namespaceLines.length === 0 ? '' : scalar(namespaceLines[0]![1]!);
  if (!apiVersion || !kind || !name || namespace === undefined || /List$/.test(kind)) return undefined;
  return JSON.stringify([apiVersion, kind, namespace, name]);
}

function single(text: string, pattern: RegExp): string | undefined {
  const matches = [...text.matchAll(pattern)];
  return matches.length === 1 ? scalar(matches[0]![1]!) : undefined;
}

/** A plain or quoted one-line string scalar; undefined for anything else (numbers, flow, anchors, tags, comments). */
function scalar(raw: string): string | undefined {
  const text = raw.trim();
  if (/^[A-Za-z][A-Za-z0-9._/-]*$/.test(text) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(text)) return text;
  if (/^"(?:[^"\\]|\\.)*"$/.test(text) || /^'(?:[^']|'')*'$/.test(text)) {
    try {
      const value: unknown = parse(text);
      return typeof value === 'string' ? value : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Identities kustomize may take for the same object: the API version aside, and a namespaced
 * object without a namespace read as in `default`. Folders that share one render apart.
 */
function collisionKey(id: string): string {
  const [apiVersion, kind, namespace, name] = JSON.parse(id) as [string, string, string, string];
  return objectKey({ group: groupOf(apiVersion), kind, namespace: namespace === '' ? 'default' : namespace, name });
}
