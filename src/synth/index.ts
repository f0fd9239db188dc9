/**
 * synth: env.yaml files → constructs → base/, envs/<env>/, argocd/.
 */
import { InputError } from '../errors.ts';
import { GENERATED_ROOTS } from './roots.ts';
import { currentFiles, recordCurrent, repositoryState } from './stamp.ts';
import { pendingJournal, recover, withSynthLock } from './transaction.ts';
import { applyChanges, compareWithDisk, isEmpty, type Changes } from './write.ts';

export interface SynthOptions {
  /** Compare only; write nothing. */
  readonly check: boolean;
  /**
   * Trust a recorded "current" for an identical repository state (stamp.ts) instead of
   * synthesizing again. Default: yes, unless HIVEBOX_SYNTH_CACHE=off.
   */
  readonly reuse?: boolean;
}

export interface SynthResult extends Changes {
  readonly upToDate: boolean;
  readonly files: ReadonlyMap<string, string>;
  /** Answered from a recorded state (stamp.ts), without synthesizing. */
  readonly reused: boolean;
}

export async function synthesize(root: string, options: SynthOptions): Promise<SynthResult> {
  const reuse = options.reuse ?? process.env.HIVEBOX_SYNTH_CACHE !== 'off';
  const before = reuse ? repositoryState(root) : undefined;
  const current = before && currentFiles(before);
  if (current) return { added: [], changed: [], removed: [], upToDate: true, files: current, reused: true };

  // The constructs (cdk8s) load only here, when there is something to synthesize.
  const { plan } = await import('./plan.ts');
  const { files } = await plan(root);
  const { changes, upToDate } = options.check ? compare(root, files) : withSynthLock(root, () => apply(root, files));
  if (before && (upToDate || !options.check)) {
    const after = upToDate ? before : repositoryState(root);
    if (after) recordCurrent(after, files.keys());
  }
  return { ...changes, upToDate, files, reused: false };
}

function compare(root: string, files: ReadonlyMap<string, string>): { changes: Changes; upToDate: boolean } {
  const journal = pendingJournal(root);
  if (journal) throw new InputError(journal, '', 'a synth was interrupted while writing; run `npm run synth` to complete it');
  const changes = compareWithDisk(root, GENERATED_ROOTS, files);
  return { changes, upToDate: isEmpty(changes) };
}

/** Under the lock: first what a killed synth left, then this plan. */
function apply(root: string, files: ReadonlyMap<string, string>): { changes: Changes; upToDate: boolean } {
  recover(root);
  const result = compare(root, files);
  if (!result.upToDate) applyChanges(root, files, result.changes);
  return result;
}
