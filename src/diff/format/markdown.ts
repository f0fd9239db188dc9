/**
 * A pull-request comment: summary table first, then one collapsible block per
 * environment. GitHub rejects comments above 65,536 characters, so the body is
 * capped at 65,000 and says which resource diffs it left out.
 */
import type { ResourceChange, SectionDiff } from '../compare.ts';
import type { DiffReport } from '../index.ts';
import { sectionNote } from './text.ts';

/** Hidden first line: the CI workflow finds its previous comment by it and updates it in place. */
export const COMMENT_MARKER = '<!-- hivebox-gitops-diff -->';
export const MARKDOWN_LIMIT = 65_000;
/** Room kept for closing tags and the truncation note. */
const RESERVE = 2_000;

const ICON = { added: '🟢', removed: '🔴', changed: '🟡' } as const;

export interface MarkdownOptions {
  readonly limit?: number;
  /** The command a reader runs to see everything (shown when the comment is cut). */
  readonly fullCommand?: string;
}

export function formatMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  let out = [
    COMMENT_MARKER,
    `### Rendered diff: \`${code(report.base)}\` → \`${code(report.head)}\``,
    '',
    '| Environment or folder | Status | Added | Removed | Changed | Unchanged |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...report.sections.map(
      (s) => `| \`${s.name}\` | ${statusCell(s)} | ${s.counts.added} | ${s.counts.removed} | ${s.counts.changed} | ${s.counts.unchanged} |`,
    ),
    '',
  ].join('\n');
  if (!report.hasDifferences) return `${out}\nNo differences in any environment.\n`;

  const omitted = new Map<string, number>();
  for (const section of report.sections) {
    if (section.status === 'unchanged') continue;
    const open = `\n<details><summary><b>${section.name}</b>${sectionNote(section)}: ${countsText(section)}</summary>\n\n`;
    const close = '</details>\n';
    if (out.length + open.length + close.length > limit - RESERVE) {
      omitted.set(section.name, section.changes.length);
      continue;
    }
    out += open;
    for (const change of section.changes) {
      const block = resourceBlock(change);
      if (out.length + block.length + close.length > limit - RESERVE) {
        omitted.set(section.name, (omitted.get(section.name) ?? 0) + 1);
        continue;
      }
      out += block;
    }
    out += close;
  }
  if (omitted.size > 0) {
    const total = [...omitted.values()].reduce((a, b) => a + b, 0);
    const where = [...omitted].map(([name, n]) => `${name}: ${n}`).join(', ');
    const command = options.fullCommand ?? 'npx hivebox-gitops diff --base <base>';
    out += `\n> [!NOTE]\n> Cut to stay under ${limit.toLocaleString('en-US')} characters: ${total} resource diff${total === 1 ? '' : 's'} not shown (${where}). The summary table above is complete; run \`${code(command)}\` for every diff.\n`;
  }
  return out;
}

function resourceBlock(change: ResourceChange): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(change.patch) + 1));
  return `${ICON[change.change]} **${change.change}** \`${code(change.title)}\`\n\n${fence}diff\n${change.patch.trimEnd()}\n${fence}\n\n`;
}

function statusCell(section: SectionDiff): string {
  const what = section.name.endsWith('/') ? 'folder' : 'environment';
  switch (section.status) {
    case 'added':
      return `🆕 new ${what}`;
    case 'removed':
      return `🗑️ removed ${what}`;
    case 'changed':
      return '🟡 changed';
    default:
      return 'unchanged';
  }
}

function countsText(section: SectionDiff): string {
  const parts = (['added', 'removed', 'changed'] as const).filter((k) => section.counts[k] > 0).map((k) => `${section.counts[k]} ${k}`);
  return parts.join(', ') || 'no resources';
}

/** Text inside inline code: a backtick would end it early. */
function code(text: string): string {
  return text.replace(/`/g, "'");
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}
