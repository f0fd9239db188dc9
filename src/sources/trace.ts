/**
 * Which env.yaml setting produces which generated field, found by asking the
 * constructs rather than by keeping a list beside them: every setting of an
 * environment (each leaf of its resolved settings, defaults included) is
 * changed in turn to another value the schema accepts, the environment is
 * rendered again, and every generated field that changed is attributed to it.
 *
 * A new env.yaml field is traced the moment the schema has it. What this
 * cannot see: a field that depends on a setting only beyond a threshold (the
 * other value is picked next to the current one), and settings an
 * environment leaves unset without a default (image.digest in dev, budget):
 * unset, they produce nothing to point at.
 */
import { resolveEnvironment, type Environment } from '../config/environment.ts';
import { EnvFileSchema } from '../config/schema.ts';
import type { Manifest } from '../kube/manifest.ts';
import { printFieldPath, propertyKeySegments, type Segment } from '../kube/field-path.ts';
import type { SourceMap } from './map.ts';
import { differences, withReads, type Reads } from './reads.ts';

type Render = (environment: Environment) => readonly Manifest[];
type Leaf = { readonly path: Segment[]; readonly value: unknown };

/**
 * The settings an environment is rendered from: everything but its name and file, and but validate's
 * own settings (validation, waivers), which no construct reads.
 */
export function renderedSettingsOf(environment: Environment): Record<string, unknown> {
  const { name: _name, file: _file, validation: _validation, waivers: _waivers, ...settings } = environment;
  return structuredClone(settings) as Record<string, unknown>;
}

function* leaves(value: unknown, path: Segment[] = []): Generator<Leaf> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* leaves(value[i], [...path, i]);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value).sort()) yield* leaves((value as Record<string, unknown>)[key], [...path, key]);
  } else if (value !== undefined) {
    yield { path, value };
  }
}

function setIn(target: Record<string, unknown>, path: readonly Segment[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

/** Values next to `value` to try, in order: the first the schema accepts is used. */
function candidates(value: unknown): unknown[] {
  if (typeof value === 'boolean') return [!value];
  if (typeof value === 'number') return Number.isInteger(value) ? [value + 1, value - 1] : [value * 0.9, value * 1.1];
  if (typeof value !== 'string') return [];
  const out: string[] = [];
  // The last letter or digit moved by one: a hostname, a DNS label, a digest, a cron field, a version.
  const last = /[a-z0-9](?=[^a-z0-9]*$)/i.exec(value);
  if (last) {
    const c = last[0];
    const next = /\d/.test(c) ? String((Number(c) + 1) % 10) : c === 'z' ? 'y' : c === 'Z' ? 'Y' : String.fromCharCode(c.charCodeAt(0) + 1);
    out.push(value.slice(0, last.index) + next + value.slice(last.index + 1));
  }
  // The first number moved by one: a quantity (1Gi → 2Gi).
  out.push(value.replace(/\d+/, (n) => String(Number(n) + 1)));
  return out.filter((candidate) => candidate !== value);
}

/** The environment with the setting at `path` changed to a value the schema accepts, if there is one. */
function perturbed(environment: Environment, path: readonly Segment[], value: unknown): Environment | undefined {
  const tried = new Set<unknown>();
  const queue = candidates(value);
  while (queue.length > 0) {
    const candidate = queue.shift();
    if (tried.has(candidate)) continue;
    tried.add(candidate);
    const settings = renderedSettingsOf(environment);
    setIn(settings, path, candidate);
    const parsed = safeParse(settings);
    if (!parsed) continue;
    if (parsed.success) return resolveEnvironment(environment.name, environment.file, parsed.data);
    // An enumeration says which values it takes.
    for (const issue of parsed.error.issues) {
      if (issue.code === 'invalid_value' && printFieldPath(propertyKeySegments(issue.path)) === printFieldPath(path))
        queue.push(...issue.values.filter((v) => v !== value));
    }
  }
  return undefined;
}

/** The schema's verdict; a refinement that throws on a value (parseQuantity) refuses it too. */
function safeParse(settings: unknown): ReturnType<typeof EnvFileSchema.safeParse> | undefined {
  try {
    return EnvFileSchema.safeParse(settings);
  } catch {
    return undefined;
  }
}

const resourceOf = (manifest: Manifest) => `${manifest.kind}/${manifest.metadata.name}`;

/** The paths under which two values differ (the deepest path both sides have). */
export function changedFields(before: unknown, after: unknown, path: readonly Segment[], out: string[]): void {
  collectChanges(before, after, [...path], out);
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

// Every perturbed render compares every manifest, so the walk shares one path, pushed and popped,
// and prints it only where something changed.
function collectChanges(before: unknown, after: unknown, path: Segment[], out: string[]): void {
  if (before === after) return;
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    for (let i = 0; i < before.length; i++) {
      path.push(i);
      collectChanges(before[i], after[i], path, out);
      path.pop();
    }
    return;
  }
  if (isMap(before) && isMap(after)) {
    for (const key of Object.keys(before)) {
      path.push(key);
      collectChanges(before[key], after[key], path, out);
      path.pop();
    }
    for (const key of Object.keys(after)) {
      if (Object.hasOwn(before, key)) continue;
      path.push(key);
      collectChanges(before[key], after[key], path, out);
      path.pop();
    }
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push(printFieldPath(path));
}

/**
 * What rendering the environment reads of it (reads.ts), or nothing when that cannot be told, so
 * that every setting is rendered: a render that fails on the proxied copy costs time, not truth.
 */
function readsOf(environment: Environment, render: Render): Reads | undefined {
  try {
    return withReads(environment, render).reads;
  } catch {
    return undefined;
  }
}

/**
 * The source map of one environment: setting → resource → the fields it
 * changes. `render` must be the same rendering synth writes from; the order of keys may
 * differ (src/synth/render.ts renderForComparison): fields are compared by path.
 */
export function traceSettings(environment: Environment, render: Render, rendered: readonly Manifest[] = render(environment)): SourceMap {
  const baseline = new Map(rendered.map((m) => [resourceOf(m), m]));
  const reads = readsOf(environment, render);
  const map: Record<string, Record<string, string[]>> = {};
  for (const { path, value } of leaves(renderedSettingsOf(environment))) {
    const changed = perturbed(environment, path, value);
    if (!changed) continue;
    // A render that reads nothing the change touches runs as the first one did: no field can change.
    if (reads && !differences(environment, changed).some((difference) => reads.sees(difference))) continue;
    const after = new Map(render(changed).map((m) => [resourceOf(m), m]));
    const fields: Record<string, string[]> = {};
    // In the generated output's terms: a resource only the changed environment has (renamed) is not in it.
    for (const resource of baseline.keys()) {
      const out: string[] = [];
      changedFields(baseline.get(resource), after.get(resource), [], out);
      if (out.length > 0) fields[resource] = out.sort();
    }
    if (Object.keys(fields).length > 0) map[printFieldPath(path)] = fields;
  }
  return map;
}
