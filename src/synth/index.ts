/**
 * synth: env.yaml files → constructs → base/, envs/<env>/, argocd/.
 */
import { plan, GENERATED_ROOTS } from './plan.ts';
import { applyChanges, compareWithDisk, isEmpty, type Changes } from './write.ts';

export interface SynthOptions {
  /** Compare only; write nothing. */
  readonly check: boolean;
}

export interface SynthResult extends Changes {
  readonly upToDate: boolean;
  readonly files: ReadonlyMap<string, string>;
}

export async function synthesize(root: string, options: SynthOptions): Promise<SynthResult> {
  const { files } = await plan(root);
  const changes = compareWithDisk(root, GENERATED_ROOTS, files);
  if (!options.check && !isEmpty(changes)) applyChanges(root, files, changes);
  return { ...changes, upToDate: isEmpty(changes), files };
}
