/**
 * Finds the environments (every envs/<name>/env.yaml), parses and validates
 * each, and checks the rules that span environments. Any problem is one
 * InputError naming the file, the field path and what was expected.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, YAMLError } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.ts';
import { resolveEnvironment, type Environment } from './environment.ts';
import { namespaceProblem, secretSourceNamespace } from './namespaces.ts';
import { EnvFileSchema, RENAMED_KEYS } from './schema.ts';
import { printFieldPath, propertyKeySegments } from '../kube/field-path.ts';
import { isGeneratedFile } from '../kube/header.ts';
import { assertEnvFileReadable } from './paths.ts';

export const ENVS_DIR = 'envs';
export const ENV_FILE = 'env.yaml';
const ENV_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;
/**
 * Limits on what one env.yaml may make the parser do. The yaml library bounds alias expansion itself
 * (its toJS option maxAliasCount, 100 by default: each alias counts the nodes it repeats), which stops a
 * "billion laughs" document; it has no option for the size of the source, so that is checked before reading.
 * An env.yaml is a few kilobytes.
 */
export const MAX_ENV_FILE_BYTES = 256 * 1024;
export const MAX_YAML_ALIAS_COUNT = 100;

/** Loads every environment under `<root>/envs`, sorted by name. */
export function loadEnvironments(root: string): Environment[] {
  const envsDir = join(root, ENVS_DIR);
  if (!existsSync(envsDir)) {
    throw new InputError(`${ENVS_DIR}/`, '', 'expected a folder with one envs/<name>/env.yaml per environment');
  }
  const environments: Environment[] = [];
  for (const name of readdirSync(envsDir).sort()) {
    const dir = join(envsDir, name);
    if (!isDirectory(dir)) {
      if (isSymbolicLink(dir) && !existsSync(dir))
        throw new InputError(
          `${ENVS_DIR}/${name}`,
          '',
          'expected an environment folder; this is a symbolic link to something that does not exist',
        );
      continue;
    }
    const rel = `${ENVS_DIR}/${name}/${ENV_FILE}`;
    assertEnvFileReadable(root, rel);
    if (!existsSync(join(dir, ENV_FILE)) && !isSymbolicLink(join(dir, ENV_FILE))) {
      if (isLeftoverOfRemovedEnvironment(dir)) continue; // synth removes its generated files
      throw new InputError(
        rel,
        '',
        "expected the environment's settings file, env.yaml (add it, or delete the folder to remove the environment)",
      );
    }
    if (!ENV_NAME.test(name)) {
      throw new InputError(
        rel,
        '',
        `expected the folder name "${name}" to be a DNS label of at most 32 characters (lowercase letters, digits, '-')`,
      );
    }
    environments.push(loadEnvironment(root, name));
  }
  if (environments.length === 0) {
    throw new InputError(`${ENVS_DIR}/`, '', 'expected at least one environment: envs/<name>/env.yaml');
  }
  checkAcrossEnvironments(environments);
  return environments;
}

export function loadEnvironment(root: string, name: string): Environment {
  const rel = `${ENVS_DIR}/${name}/${ENV_FILE}`;
  assertEnvFileReadable(root, rel);
  const document = parseYamlFile(rel, readEnvFile(rel, join(root, rel)));
  for (const key of Object.keys(document as object)) {
    const renamed = RENAMED_KEYS[key];
    if (renamed) throw new InputError(rel, key, `expected ${renamed}`);
  }
  const result = EnvFileSchema.safeParse(document, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(rel, printFieldPath(propertyKeySegments(issue.path)), describeIssue(issue));
  }
  const env = resolveEnvironment(name, rel, result.data);
  const problem = namespaceProblem(env.namespace);
  if (problem) throw new InputError(rel, 'namespace', problem);
  return env;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** The text of an env.yaml: a regular file (a symbolic link to one is fine) of a sensible size. */
function readEnvFile(rel: string, path: string): string {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new InputError(rel, '', `expected a readable env.yaml (${(error as NodeJS.ErrnoException).code})`);
    // A dangling symbolic link was refused before (config/paths.ts, assertEnvFileReadable).
    throw new InputError(rel, '', "expected the environment's settings file, env.yaml; it is missing");
  }
  if (stat.isDirectory()) throw new InputError(rel, '', "expected the environment's settings file, env.yaml; this is a folder");
  if (!stat.isFile()) throw new InputError(rel, '', "expected the environment's settings file, env.yaml, to be a regular file");
  if (stat.size > MAX_ENV_FILE_BYTES)
    throw new InputError(rel, '', `expected an env.yaml of at most ${MAX_ENV_FILE_BYTES / 1024} KiB; this one has ${stat.size} bytes`);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(rel, '', `expected a readable env.yaml (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function isSymbolicLink(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
}

function parseYamlFile(rel: string, text: string): unknown {
  const parsed = parseDocument(text, { uniqueKeys: true });
  const error = parsed.errors[0];
  if (error) throw yamlError(rel, error);
  // A tag the yaml library does not know (!Ref, !Sub, !!js/function) would silently become a plain string.
  const unknownTag = parsed.warnings.find((warning) => warning.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) throw yamlError(rel, unknownTag, 'expected plain YAML without custom tags');
  let document: unknown;
  try {
    document = parsed.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const reason = /resource exhaustion/.test(error.message)
      ? `the aliases expand past the limit of ${MAX_YAML_ALIAS_COUNT} (yaml's maxAliasCount), as in a "billion laughs" document`
      : error.message;
    throw new InputError(rel, '', `expected YAML whose aliases (*name) stay within bounds; ${reason}`);
  }
  if (document === null || document === undefined) {
    throw new InputError(rel, '', 'expected a mapping of settings (at least route.host); the file is empty');
  }
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new InputError(rel, '', `expected a mapping of settings at the top level, got ${describeValue(document)}`);
  }
  return document;
}

function yamlError(rel: string, error: YAMLError, expected = 'expected valid YAML'): InputError {
  const at = error.linePos?.[0];
  const where = at ? `line ${at.line}, column ${at.col}` : '';
  const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return new InputError(rel, where, `${expected} (${reason})`);
}

/** A folder whose env.yaml was deleted still holds the files synth generated for it. */
function isLeftoverOfRemovedEnvironment(dir: string): boolean {
  const files = listFiles(dir);
  return files.every((file) => file !== undefined && isGeneratedFile(readFileSync(file, 'utf8')));
}

/** Every file under dir; undefined for anything synth never writes (a symbolic link, a socket). */
function listFiles(dir: string): Array<string | undefined> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return listFiles(join(dir, entry.name));
    return [entry.isFile() ? join(dir, entry.name) : undefined];
  });
}

function checkAcrossEnvironments(environments: readonly Environment[]): void {
  const hosts = new Map<string, Environment>();
  const destinations = new Map<string, Environment>();
  const names = new Set(environments.map((env) => env.name));
  for (const env of environments) {
    const other = hosts.get(env.route.host);
    if (other) {
      throw new InputError(
        env.file,
        'route.host',
        `expected a host no other environment uses; "${env.route.host}" is also ${other.name}'s (${other.file})`,
      );
    }
    hosts.set(env.route.host, env);
    for (const [namespace, what] of [
      [env.namespace, ''],
      [secretSourceNamespace(env), ' (for its credentials)'],
    ] as const) {
      const destination = `${env.cluster}/${namespace}`;
      const sharing = destinations.get(destination);
      if (sharing) {
        throw new InputError(
          env.file,
          'namespace',
          `expected a namespace of its own on cluster ${env.cluster}; "${namespace}"${what} is also ${sharing.name}'s`,
        );
      }
      destinations.set(destination, env);
    }
    // Every environment env.yaml names must exist, and be another one.
    for (const [field, named] of [
      ['promotesFrom', env.promotesFrom],
      ['validation.mirrors', env.validation.mirrors],
    ] as const) {
      if (named !== undefined && !names.has(named)) {
        throw new InputError(env.file, field, `expected the name of another environment (one of ${[...names].join(', ')}), got "${named}"`);
      }
      if (named === env.name) throw new InputError(env.file, field, 'expected another environment, not itself');
    }
  }
  for (const env of environments) {
    // Follow the chain back; meeting the start again means a cycle.
    const seen = new Set([env.name]);
    let from = env.promotesFrom;
    while (from !== undefined) {
      if (seen.has(from)) {
        throw new InputError(env.file, 'promotesFrom', `expected a promotion order without cycles; ${[...seen, from].join(' ← ')}`);
      }
      seen.add(from);
      from = environments.find((e) => e.name === from)?.promotesFrom;
    }
  }
}

const ENUMERATION_LISTED = 8;

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = 'input' in issue ? issue.input : undefined;
  // A mapping or list as "got" says nothing useful; scalars are worth echoing.
  const got = input !== undefined && (typeof input !== 'object' || input === null) ? `, got ${describeValue(input)}` : '';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      const known = knownKeys(issue.path);
      return `unknown key ${keys}${known.length ? `; expected one of: ${known.join(', ')}` : ''}`;
    }
    case 'invalid_type':
      if (issue.input === undefined) return `expected a value of type ${issue.expected} (required)`;
      return `expected a value of type ${issue.expected}${got}`;
    case 'too_small':
      return `expected ${issue.origin === 'array' ? 'at least' : issue.inclusive === false ? 'a value >' : 'a value >='} ${String(issue.minimum)}${issue.origin === 'array' ? ' item(s)' : ''}${got}`;
    case 'too_big':
      return `expected ${issue.origin === 'array' ? 'at most' : issue.inclusive === false ? 'a value <' : 'a value <='} ${String(issue.maximum)}${issue.origin === 'array' ? ' item(s)' : ''}${got}`;
    case 'invalid_value':
      // A long enumeration (the rules a waiver may name) says what it is instead of listing itself.
      if (issue.values.length > ENUMERATION_LISTED) return `expected ${issue.message}${got}`;
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`;
    case 'invalid_union':
      if ((issue as { note?: string }).note === 'No matching discriminator') {
        const mode = (input as { mode?: unknown } | undefined)?.mode;
        return `expected "in-cluster" or "external"${mode === undefined ? ' (required)' : `, got ${describeValue(mode)}`}`;
      }
      return `expected ${issue.message}${got}`;
    default:
      return `expected ${issue.message}${got}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  return String(value);
}

/** The keys the schema allows at a path, for "did you mean" style messages. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let schema: unknown = EnvFileSchema;
  for (const key of path) {
    schema = unwrap(schema);
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    if (!shape || typeof key !== 'string' || !(key in shape)) return [];
    schema = shape[key];
  }
  const shape = (unwrap(schema) as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema as { unwrap?: () => unknown; _zod?: { def?: { type?: string } } };
  while (current && typeof current.unwrap === 'function' && current._zod?.def?.type !== 'object') {
    current = current.unwrap() as typeof current;
  }
  return current;
}
