/**
 * `diff`: what a change does to every environment. Both sides are rendered the
 * way Argo CD renders them (kustomize over the committed overlays, plus the
 * argocd/ tree), then compared resource by resource.
 */
import { selectEnvironments } from '../config/select.ts';
import type { KustomizeBuild } from '../toolchain/kubectl.ts';
import { compareSection, type SectionDiff } from './compare.ts';
import { InputComparer } from './inputs.ts';
import { discoverEnvironments, hasTree, renderSections, TREE_SECTIONS, type RenderTask } from './render.ts';
import { commitSource, workingTreeSource, type DiffSource } from './source.ts';

export interface DiffOptions {
  /** The repository (a Git work tree). */
  readonly root: string;
  /** The ref the change is compared against. */
  readonly base: string;
  /** The ref of the change; absent means the working tree at `root`. */
  readonly head?: string;
  /** Only these environments (argocd/ and charts/ are always compared). */
  readonly envs?: readonly string[];
  /** kustomize processes at a time. */
  readonly concurrency?: number;
  /** How overlays are rendered; default: the pinned kustomize, every time. */
  readonly build?: KustomizeBuild;
  /** Group each environment's changes by the env.yaml setting that caused them (by-setting.ts). */
  readonly bySetting?: boolean;
}

export interface DiffReport {
  readonly base: string;
  readonly head: string;
  /** Environments in name order, then argocd/ and charts/ (where they exist). */
  readonly sections: readonly SectionDiff[];
  readonly hasDifferences: boolean;
}

export async function diffRepository(options: DiffOptions): Promise<DiffReport> {
  // Both sides are extracted at once; each is disposed whatever happens to the other (a bad --head
  // must not leave the already extracted base behind), and only after both have settled.
  const settled = await Promise.allSettled([
    commitSource(options.root, options.base, '--base'),
    options.head === undefined ? workingTreeSource(options.root) : commitSource(options.root, options.head, '--head'),
  ]);
  const sources = settled.flatMap((side) => (side.status === 'fulfilled' ? [side.value] : []));
  try {
    const failed = settled.find((side) => side.status === 'rejected');
    if (failed) throw failed.reason;
    const [base, head] = sources as [DiffSource, DiffSource];
    return await compareSources(base, head, options);
  } finally {
    await Promise.all(sources.map((source) => source.dispose()));
  }
}

async function compareSources(base: DiffSource, head: DiffSource, options: DiffOptions): Promise<DiffReport> {
  const baseEnvs = discoverEnvironments(base.dir, base.label);
  const headEnvs = discoverEnvironments(head.dir, head.label);
  const names = selectEnvironments([...new Set([...baseEnvs, ...headEnvs])].sort(), options.envs);
  const sections = [...names, ...TREE_SECTIONS];
  const isTree = (section: string): boolean => (TREE_SECTIONS as readonly string[]).includes(section);
  const exists = (source: DiffSource, envs: readonly string[], section: string): boolean =>
    isTree(section) ? hasTree(source.dir, section) : envs.includes(section);

  // Both sides in one pool: every render of both sides runs in parallel. An overlay whose
  // inputs are byte-identical on both sides is rendered once and used for both.
  const inputs = new InputComparer(base.dir, head.dir);
  const shared = new Set(names.filter((env) => baseEnvs.includes(env) && headEnvs.includes(env) && inputs.sameInputs(env)));
  const tasks: { side: 'base' | 'head'; section: string; task: RenderTask }[] = [];
  for (const section of sections) {
    if (exists(base, baseEnvs, section) && !shared.has(section))
      tasks.push({ side: 'base', section, task: { dir: base.dir, section, label: base.label } });
    if (exists(head, headEnvs, section)) tasks.push({ side: 'head', section, task: { dir: head.dir, section, label: head.label } });
  }
  const rendered = await renderSections(
    tasks.map((t) => t.task),
    options.concurrency,
    options.build,
  );
  const lookup = (side: 'base' | 'head', section: string) => {
    const index = tasks.findIndex((t) => t.section === section && (t.side === side || shared.has(section)));
    return index === -1 ? undefined : rendered[index];
  };
  // by-setting.ts reads env.yaml (zod, yaml): loaded only when asked for.
  const groupBySetting = options.bySetting ? (await import('./by-setting.ts')).groupBySetting : undefined;
  const diffs = sections
    .map((section) => {
      const diff = compareSection(section, lookup('base', section), lookup('head', section));
      if (!groupBySetting || isTree(section) || diff.changes.length === 0) return diff;
      const bySetting = groupBySetting(
        diff,
        { dir: base.dir, resources: lookup('base', section) },
        { dir: head.dir, resources: lookup('head', section) },
      );
      return { ...diff, bySetting };
    })
    // A folder absent on both sides is not worth a row.
    .filter((s) => !(isTree(s.name) && !exists(base, baseEnvs, s.name) && !exists(head, headEnvs, s.name)));
  return {
    base: base.label,
    head: head.label,
    sections: diffs,
    hasDifferences: diffs.some((s) => s.status !== 'unchanged'),
  };
}
