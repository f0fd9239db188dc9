/**
 * Finds the environments (every envs/<name>/env.yaml), parses and validates
 * each, and checks the rules that span environments. Any problem is one
 * InputError naming the file, the field path and what was expected.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.ts';
import { resolveEnvironment, type Environment } from './environment.ts';
import { EnvFileSchema } from './schema.ts';
import { isGeneratedFile } from '../synth/header.ts';
import { assertEnvFileReadable } from '../synth/paths.ts';

export const ENVS_DIR = 'envs';
export const ENV_FILE = 'env.yaml';
const ENV_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

/** Loads every environment under `<root>/envs`, sorted by name. */
export function loadEnvironments(root: string): Environment[] {
  const envsDir = join(root, ENVS_DIR);
  if (!existsSync(envsDir)) {
    throw new InputError(`${ENVS_DIR}/`, '', 'expected a folder with one envs/<name>/env.yaml per environment');
  }
  const environments: Environment[] = [];
  for (const name of readdirSync(envsDir).sort()) {
    const dir = join(envsDir, name);
    const rel = `${ENVS_DIR}/${name}/${ENV_FILE}`;
    assertEnvFileReadable(root, rel);
    if (!statSync(dir).isDirectory()) continue;
    if (!existsSync(join(dir, ENV_FILE))) {
      if (isLeftoverOfRemovedEnvironment(dir)) continue; // synth removes its generated files
      throw new InputError(rel, '', 'expected the environment\'s settings file, env.yaml (add it, or delete the folder to remove the environment)');
    }
    if (!ENV_NAME.test(name)) {
      throw new InputError(rel, '', `expected the folder name "${name}" to be a DNS label of at most 32 characters (lowercase letters, digits, '-')`);
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
  const path = join(root, rel);
  assertEnvFileReadable(root, rel);
  if (!existsSync(path)) {
    throw new InputError(rel, '', 'expected the environment\'s settings file, env.yaml; it is missing');
  }
  const document = parseYamlFile(rel, readFileSync(path, 'utf8'));
  const result = EnvFileSchema.safeParse(document, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(rel, fieldPath(issue.path), describeIssue(issue));
  }
  return resolveEnvironment(name, rel, result.data);
}

function parseYamlFile(rel: string, text: string): unknown {
  let document: unknown;
  try {
    document = parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0];
      const where = at ? `line ${at.line}, column ${at.col}` : '';
      const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(rel, where, `expected valid YAML (${reason})`);
    }
    throw error;
  }
  if (document === null || document === undefined) {
    throw new InputError(rel, '', 'expected a mapping of settings (at least ingress.host); the file is empty');
  }
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new InputError(rel, '', `expected a mapping of settings at the top level, got ${describeValue(document)}`);
  }
  return document;
}

/** A folder whose env.yaml was deleted still holds the files synth generated for it. */
function isLeftoverOfRemovedEnvironment(dir: string): boolean {
  const files = listFiles(dir);
  return files.every((file) => isGeneratedFile(readFileSync(file, 'utf8')));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function checkAcrossEnvironments(environments: readonly Environment[]): void {
  const hosts = new Map<string, Environment>();
  const destinations = new Map<string, Environment>();
  const names = new Set(environments.map((env) => env.name));
  for (const env of environments) {
    const other = hosts.get(env.ingress.host);
    if (other) {
      throw new InputError(env.file, 'ingress.host', `expected a host no other environment uses; "${env.ingress.host}" is also ${other.name}'s (${other.file})`);
    }
    hosts.set(env.ingress.host, env);
    const destination = `${env.cluster}/${env.namespace}`;
    const sharing = destinations.get(destination);
    if (sharing) {
      throw new InputError(env.file, 'namespace', `expected a namespace of its own on cluster ${env.cluster}; "${env.namespace}" is also ${sharing.name}'s`);
    }
    destinations.set(destination, env);
    if (env.promotesFrom !== undefined && !names.has(env.promotesFrom)) {
      throw new InputError(env.file, 'promotesFrom', `expected the name of another environment (one of ${[...names].join(', ')}), got "${env.promotesFrom}"`);
    }
    if (env.promotesFrom === env.name) {
      throw new InputError(env.file, 'promotesFrom', 'expected another environment, not itself');
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

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

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
