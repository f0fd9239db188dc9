/** Synth's side of the source map (map.ts): the generated envs/<env>/sources.yaml. */
import { generatedYaml } from '../kube/yaml.ts';
import type { SourceMap } from './map.ts';

export function renderSourceMap(from: string, map: SourceMap): string {
  return generatedYaml(`${from} and src/config/schema.ts (each setting changed in turn; the fields that changed with it)`, [map]);
}
