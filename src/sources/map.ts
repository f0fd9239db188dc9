/**
 * The source map synth writes beside each overlay (envs/<env>/sources.yaml):
 * for every env.yaml setting, the generated fields it produces, by resource.
 * Read by validate (to point a finding at the setting) and diff (to group a
 * change by the setting that caused it); neither runs the constructs, and diff
 * reads each side's map from that side's commit.
 */
import { yamlLibrary as yaml } from '../kube/yaml.ts';

/** setting (`app.logLevel`) → resource (`ConfigMap/hivebox`) → fields (`data.LOG_LEVEL`). */
export type SourceMap = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** Where a generated field comes from: an env.yaml setting, written there or left to its default. */
export interface SettingSource {
  /** The setting's path in env.yaml, e.g. app.logLevel. */
  readonly setting: string;
  /** envs/<env>/env.yaml where the environment sets it; src/config/schema.ts for a default. */
  readonly file: string;
  /** The setting's line in env.yaml (1-based); absent for a default. */
  readonly line?: number;
  readonly isDefault: boolean;
  /** The env.yaml the setting belongs to (where a default is overridden). */
  readonly envFile: string;
}

export const SOURCE_MAP_FILE = 'sources.yaml';
export const sourceMapPath = (environment: string) => `envs/${environment}/${SOURCE_MAP_FILE}`;

export function parseSourceMap(text: string): SourceMap {
  const value: unknown = yaml().parse(text);
  return value !== null && typeof value === 'object' ? (value as SourceMap) : {};
}

/** resource → field → settings, for lookups. */
export class SourceMapIndex {
  private readonly byResource = new Map<string, Map<string, string[]>>();

  constructor(map: SourceMap) {
    for (const setting of Object.keys(map).sort()) {
      for (const [resource, fields] of Object.entries(map[setting]!)) {
        const byField = this.byResource.get(resource) ?? this.byResource.set(resource, new Map()).get(resource)!;
        for (const field of fields) (byField.get(field) ?? byField.set(field, []).get(field)!).push(setting);
      }
    }
  }

  /**
   * The settings behind `field` of `resource` (Kind/name): those of the field itself, else of the fields
   * beneath it, else of its nearest ancestor. '' is the resource as a whole: only the settings that make it exist.
   */
  settingsOf(resource: string, field: string): string[] {
    const byField = this.byResource.get(resource);
    if (!byField) return [];
    const exact = byField.get(field);
    if (exact) return exact;
    if (field === '') return [];
    const beneath = [...byField]
      .filter(([f]) => f.startsWith(`${field}.`) || f.startsWith(`${field}[`))
      .flatMap(([, settings]) => settings);
    if (beneath.length > 0) return [...new Set(beneath)].sort();
    for (let cut = lastSegmentStart(field); cut > 0; cut = lastSegmentStart(field.slice(0, cut))) {
      const ancestor = byField.get(field.slice(0, cut));
      if (ancestor) return ancestor;
    }
    return [];
  }
}

/** Where the last segment of a printed path starts (its '.' or '['), 0 when there is one segment. */
function lastSegmentStart(path: string): number {
  let depth = 0;
  for (let i = path.length - 1; i > 0; i--) {
    const c = path[i];
    if (c === ']') depth++;
    else if (c === '[' && --depth === 0) return i;
    else if (c === '.' && depth === 0) return i;
  }
  return 0;
}
