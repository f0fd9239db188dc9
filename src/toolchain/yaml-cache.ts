/**
 * `parse` of the yaml package, with its value for the same text kept between runs
 * (value-cache.ts). validate and diff read the same small kustomization files and embedded
 * YAML (notification settings) run after run; read back as JSON, neither the parse nor the
 * yaml package itself (about 0.1 s to load cold) costs anything. A text that does not parse
 * throws exactly as `parse` does, every time.
 */
import { yamlLibrary } from '../kube/yaml.ts';
import { cachedValue } from './value-cache.ts';

/** yaml's `parse(text)` (default options). */
export function parseYamlCached(text: string): unknown {
  return cachedValue('yaml-parse', [text], () => yamlLibrary().parse(text) as unknown);
}
