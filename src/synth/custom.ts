/**
 * The escape hatch: `envs/<env>/custom/` holds a hand-written Kustomize Component for what env.yaml
 * cannot say (an annotation, an extra environment variable, a sidecar). Synth lists it under the
 * overlay's `components:` and otherwise never touches the folder: nothing in it is written, removed
 * or reformatted (write.ts skips it even where a file carries the generated header).
 *
 * kustomize (5.7.1, api/internal/target/kusttarget.go accumulateTarget) applies a component after
 * the overlay's resources (../../base and resources/) and before the overlay's own transformers:
 * so the Component sees the base's names and namespace, and the generated `namespace:`, `images:`
 * and patches apply after it (what env.yaml sets wins). Its paths are relative to custom/ (the
 * component gets a loader rooted there), and its kustomization must be `kind: Component`
 * (kustomize refuses anything else listed under `components:`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../errors.ts';
import { KUSTOMIZATION_NAMES } from '../toolchain/batch.ts';
import { CUSTOM } from './roots.ts';

/**
 * `custom` when envs/<env>/custom/ holds a Component, else undefined. A folder without a
 * kustomization, or one that is not a Component, is bad input: kustomize would refuse it later.
 */
export function customComponent(root: string, env: string): string | undefined {
  const dir = `envs/${env}/${CUSTOM}`;
  if (!existsSync(join(root, dir))) return undefined;
  const name = KUSTOMIZATION_NAMES.find((candidate) => existsSync(join(root, dir, candidate)));
  if (name === undefined) {
    throw new InputError(
      `${dir}/`,
      '',
      'expected a Kustomize Component: a kustomization.yaml with apiVersion: kustomize.config.k8s.io/v1alpha1 and kind: Component (or remove the folder)',
    );
  }
  const file = `${dir}/${name}`;
  let document: unknown;
  try {
    document = parse(readFileSync(join(root, file), 'utf8'));
  } catch (error) {
    throw new InputError(file, '', `expected valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  const kind = typeof document === 'object' && document !== null ? (document as { kind?: unknown }).kind : undefined;
  if (kind !== 'Component') {
    throw new InputError(
      file,
      'kind',
      `expected Component (a Kustomize Component, apiVersion: kustomize.config.k8s.io/v1alpha1), got ${kind === undefined ? 'none' : JSON.stringify(kind)}`,
    );
  }
  return CUSTOM;
}
