/**
 * The Helm values a platform Application passes to its chart on one cluster:
 * charts/<component>/values.yaml, then charts/<component>/values-<cluster>.yaml,
 * merged the way Helm merges several `-f` files (later files win; maps merge
 * key by key; lists and scalars are replaced; `null` removes a key).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Yaml from 'yaml';
import { InputError } from '../errors.ts';
import { cachedValue } from '../toolchain/value-cache.ts';

/** The yaml package, loaded on first use: values parsed in an earlier run are read back as JSON (value-cache.ts). */
const parseDocument = (text: string): Yaml.Document.Parsed => (createRequire(import.meta.url)('yaml') as typeof Yaml).parseDocument(text);

export type Values = Record<string, unknown>;

/** The merged values of one component on one cluster, and the files they came from (repository-relative). */
export interface ChartValues {
  readonly component: string;
  readonly cluster: string;
  readonly files: readonly string[];
  readonly values: Values;
}

export function valueFiles(component: string, cluster: string): string[] {
  return [`charts/${component}/values.yaml`, `charts/${component}/values-${cluster}.yaml`];
}

const isMap = (value: unknown): value is Values => typeof value === 'object' && value !== null && !Array.isArray(value);

export function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(merged[key])) merged[key] = mergeValues(merged[key] as Values, value);
    else merged[key] = value;
  }
  return merged;
}

/** Parsed value files by content: charts/<component>/values.yaml is read once per cluster. */
const parsedFiles = new Map<string, Values>();

/** Reads and merges the value files of a component on a cluster; a missing file counts as empty (`npm test` insists they exist). */
export function loadChartValues(root: string, component: string, cluster: string): ChartValues {
  const files = valueFiles(component, cluster);
  let values: Values = {};
  for (const file of files) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    let parsed = parsedFiles.get(text);
    if (parsed === undefined) {
      parsed = cachedValue('chart-values', [text], () => parseValues(file, text));
      if (parsedFiles.size >= 256) parsedFiles.clear();
      parsedFiles.set(text, parsed);
    }
    values = mergeValues(values, structuredClone(parsed));
  }
  return { component, cluster, files, values };
}

function parseValues(file: string, text: string): Values {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new InputError(file, '', `not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
  const value: unknown = document.toJS() ?? {};
  if (!isMap(value)) throw new InputError(file, '', 'expected a map of Helm values');
  return value;
}
