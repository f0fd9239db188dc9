/**
 * Points at a setting: its line in env.yaml (from the `yaml` library's node
 * ranges) when the environment sets it, or its default in src/config/schema.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Yaml from 'yaml';
import { parseFieldPath } from '../kube/field-path.ts';
import { parseSourceMap, SourceMapIndex, sourceMapPath, type SettingSource } from './map.ts';
import { lineOf } from './yaml-line.ts';
import { yamlLibrary as yaml } from '../kube/yaml.ts';

export const SCHEMA_FILE = 'src/config/schema.ts';

/** The settings of one environment's env.yaml, located. */
export class SettingLocator {
  private parsed?: { document: Yaml.Document.Parsed; lines: Yaml.LineCounter };

  constructor(
    private readonly root: string,
    /** envs/<env>/env.yaml, repository-relative. */
    readonly file: string,
  ) {}

  locate(setting: string): SettingSource {
    if (!this.parsed) {
      const { LineCounter, parseDocument } = yaml();
      const lines = new LineCounter();
      const text = existsSync(join(this.root, this.file)) ? readFileSync(join(this.root, this.file), 'utf8') : '';
      this.parsed = { document: parseDocument(text, { lineCounter: lines }), lines };
    }
    const segments = parseFieldPath(setting);
    const { document, lines } = this.parsed;
    if (!document.hasIn(segments)) return { setting, file: SCHEMA_FILE, isDefault: true, envFile: this.file };
    return { setting, file: this.file, line: lineOf({ file: this.file, document, lines }, segments), isDefault: false, envFile: this.file };
  }
}

/**
 * Where the generated fields of one environment come from, read from its source map
 * (envs/<env>/sources.yaml) and env.yaml only when first asked: a clean run reads neither.
 */
export class SettingSources {
  private index?: SourceMapIndex;

  constructor(
    private readonly root: string,
    private readonly environment: string,
    private readonly locator: SettingLocator,
  ) {}

  /** The settings behind a field of a resource (Kind/name), those the environment sets first. */
  of(resource: string, field: string): SettingSource[] {
    if (!this.index) {
      const path = join(this.root, sourceMapPath(this.environment));
      this.index = new SourceMapIndex(existsSync(path) ? parseSourceMap(readFileSync(path, 'utf8')) : {});
    }
    const located = this.index.settingsOf(resource, field).map((setting) => this.locator.locate(setting));
    return [...located.filter((s) => !s.isDefault), ...located.filter((s) => s.isDefault)];
  }
}
