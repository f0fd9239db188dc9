/**
 * `diff --by-setting`: an environment's changes grouped by the env.yaml setting
 * that caused them. A changed field belongs to a setting when the source map
 * (envs/<env>/sources.yaml, each side's own) says the setting produces it and
 * the setting's value differs between the two env.yaml files; every other
 * change comes from the code (src/: the constructs or a default) and is grouped
 * as such.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseFieldPath } from '../kube/field-path.ts';
import { SettingLocator } from '../sources/locate.ts';
import { parseSourceMap, SourceMapIndex, sourceMapPath } from '../sources/map.ts';
import { changedFields } from '../sources/trace.ts';
import type { SectionDiff } from './compare.ts';
import { describeResource, resourceKey, type ResourceSet } from './resources.ts';

export interface SettingGroup {
  /** The env.yaml setting; absent for the changes no setting explains (the code changed). */
  readonly setting?: string;
  /** Where the head side sets it (envs/<env>/env.yaml:line), or that it is the default there. */
  readonly where?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** resource title → changed fields ('' = the resource was added or removed). */
  readonly changes: Readonly<Record<string, readonly string[]>>;
}

interface Side {
  readonly dir: string;
  readonly resources?: ResourceSet;
}

const envFile = (env: string) => `envs/${env}/env.yaml`;

function readYaml(dir: string, path: string): unknown {
  const file = join(dir, path);
  return existsSync(file) ? parse(readFileSync(file, 'utf8')) : undefined;
}

function valueAt(document: unknown, setting: string): unknown {
  let node = document;
  for (const segment of parseFieldPath(setting))
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined;
  return node;
}

function indexOf(dir: string, env: string): SourceMapIndex {
  const file = join(dir, sourceMapPath(env));
  return new SourceMapIndex(existsSync(file) ? parseSourceMap(readFileSync(file, 'utf8')) : {});
}

export function groupBySetting(section: SectionDiff, base: Side, head: Side): SettingGroup[] {
  const env = section.name;
  const [baseIndex, headIndex] = [indexOf(base.dir, env), indexOf(head.dir, env)];
  const [baseSettings, headSettings] = [readYaml(base.dir, envFile(env)), readYaml(head.dir, envFile(env))];
  const changedSetting = (setting: string) =>
    JSON.stringify(valueAt(baseSettings, setting)) !== JSON.stringify(valueAt(headSettings, setting));
  const groups = new Map<string, Record<string, string[]>>();
  const add = (group: string, resource: string, field: string) => {
    const changes = groups.get(group) ?? groups.set(group, {}).get(group)!;
    (changes[resource] ??= []).push(field);
  };
  for (const change of section.changes) {
    const key = resourceKey(change.id);
    const before = base.resources?.get(key);
    const after = head.resources?.get(key);
    const fields: string[] = [];
    changedFields(before && parse(before.yaml), after && parse(after.yaml), [], fields);
    const kindName = `${change.id.kind}/${change.id.name}`;
    for (const field of fields) {
      const settings = [...new Set([...headIndex.settingsOf(kindName, field), ...baseIndex.settingsOf(kindName, field)])].filter(
        changedSetting,
      );
      if (settings.length === 0) add('', describeResource(change.id), field);
      for (const setting of settings) add(setting, describeResource(change.id), field);
    }
  }
  const locator = new SettingLocator(head.dir, envFile(env));
  return [...groups.keys()]
    .sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
    .map((setting): SettingGroup => {
      const changes = groups.get(setting)!;
      if (setting === '') return { changes };
      const source = locator.locate(setting);
      return {
        setting,
        where: source.isDefault ? `${envFile(env)} (not set: the default)` : `${source.file}:${source.line}`,
        before: valueAt(baseSettings, setting),
        after: valueAt(headSettings, setting),
        changes,
      };
    });
}
