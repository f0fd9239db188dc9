/**
 * Compares two renderings section by section (an environment, or argocd/),
 * resource by resource, whatever order the resources came in.
 */
import type * as Diff from 'diff';
import { createRequire } from 'node:module';
import type { SettingGroup } from './by-setting.ts';
import { describeResource, type RenderedResource, type ResourceId, type ResourceSet } from './resources.ts';

export type ResourceChangeKind = 'added' | 'removed' | 'changed';
/** `added`/`removed`: the whole environment exists on one side only. */
export type SectionStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface ResourceChange {
  readonly change: ResourceChangeKind;
  readonly id: ResourceId;
  /** `Deployment.apps hivebox-staging/hivebox` */
  readonly title: string;
  /** Unified diff of the canonical YAML, headers `--- base` / `+++ head`. */
  readonly patch: string;
}

export interface SectionDiff {
  readonly name: string;
  readonly status: SectionStatus;
  readonly counts: { readonly added: number; readonly removed: number; readonly changed: number; readonly unchanged: number };
  readonly changes: readonly ResourceChange[];
  /** `diff --by-setting`, environments only: the changes grouped by the env.yaml setting that caused them. */
  readonly bySetting?: readonly SettingGroup[];
}

const CONTEXT_LINES = 3;
const require = createRequire(import.meta.url);
/** The diff library, loaded on the first change: a run that finds none never pays for it. */
let diffLibrary: typeof Diff | undefined;

/** `base`/`head` undefined: the section does not exist on that side. */
export function compareSection(name: string, base: ResourceSet | undefined, head: ResourceSet | undefined): SectionDiff {
  const before = base ?? new Map<string, RenderedResource>();
  const after = head ?? new Map<string, RenderedResource>();
  const changes: ResourceChange[] = [];
  let unchanged = 0;
  for (const key of [...new Set([...before.keys(), ...after.keys()])]) {
    const old = before.get(key);
    const next = after.get(key);
    if (old && next && (old === next || old.yaml === next.yaml)) {
      unchanged++;
      continue;
    }
    const resource = (next ?? old)!;
    const change: ResourceChangeKind = !old ? 'added' : !next ? 'removed' : 'changed';
    changes.push({ change, id: resource.id, title: describeResource(resource.id), patch: unifiedPatch(old?.yaml ?? '', next?.yaml ?? '') });
  }
  changes.sort(byResource);
  const count = (kind: ResourceChangeKind): number => changes.filter((c) => c.change === kind).length;
  const status: SectionStatus = !base ? 'added' : !head ? 'removed' : changes.length > 0 ? 'changed' : 'unchanged';
  return { name, status, counts: { added: count('added'), removed: count('removed'), changed: count('changed'), unchanged }, changes };
}

function unifiedPatch(before: string, after: string): string {
  diffLibrary ??= require('diff') as typeof Diff;
  const patch = diffLibrary.createTwoFilesPatch('base', 'head', before, after, undefined, undefined, { context: CONTEXT_LINES });
  // Drop the "Index:"/"====" preamble: the resource title already says what this is.
  return patch.slice(patch.indexOf('--- base'));
}

function byResource(a: ResourceChange, b: ResourceChange): number {
  const left = [a.id.kind, a.id.group, a.id.namespace, a.id.name];
  const right = [b.id.kind, b.id.group, b.id.namespace, b.id.name];
  for (let i = 0; i < left.length; i++) {
    if (left[i]! < right[i]!) return -1;
    if (left[i]! > right[i]!) return 1;
  }
  return 0;
}
