/** The terminal view: a summary table, then each changed resource's unified diff. */
import type { SettingGroup } from '../by-setting.ts';
import type { SectionDiff } from '../compare.ts';
import type { DiffReport } from '../index.ts';

const SYMBOL = { added: '+', removed: '-', changed: '~' } as const;

export function formatText(report: DiffReport): string {
  const lines = [`Diff ${report.base} -> ${report.head}`, '', ...summaryTable(report.sections), ''];
  if (!report.hasDifferences) {
    lines.push('No differences.');
    return `${lines.join('\n')}\n`;
  }
  for (const section of report.sections) {
    if (section.changes.length === 0 && section.status === 'unchanged') continue;
    lines.push(`=== ${section.name}${sectionNote(section)} ===`);
    if (section.bySetting) {
      lines.push(...settingGroups(section.bySetting), '');
      continue;
    }
    for (const change of section.changes) {
      lines.push(`${SYMBOL[change.change]} ${change.title} (${change.change})`, change.patch.trimEnd(), '');
    }
    if (section.changes.length === 0) lines.push('(no resources)', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function sectionNote(section: SectionDiff): string {
  // Environment names cannot contain a slash; folder sections (argocd/, charts/) end with one.
  const what = section.name.endsWith('/') ? 'folder' : 'environment';
  if (section.status === 'added') return ` (new ${what}: only on the head side)`;
  if (section.status === 'removed') return ` (removed ${what}: only on the base side)`;
  return '';
}

function summaryTable(sections: readonly SectionDiff[]): string[] {
  const rows = [
    ['SECTION', 'STATUS', 'ADDED', 'REMOVED', 'CHANGED', 'UNCHANGED'],
    ...sections.map((s) => [s.name, s.status, ...[s.counts.added, s.counts.removed, s.counts.changed, s.counts.unchanged].map(String)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

const shown = (value: unknown) => (value === undefined ? '(default)' : JSON.stringify(value));

/** `diff --by-setting`: each setting, its change, and the generated fields that changed with it. */
function settingGroups(groups: readonly SettingGroup[]): string[] {
  const lines: string[] = [];
  for (const group of groups) {
    lines.push(
      group.setting === undefined
        ? 'not from an env.yaml setting (the code: src/, its defaults or the constructs):'
        : `${group.setting}: ${shown(group.before)} -> ${shown(group.after)}  (${group.where})`,
    );
    for (const [resource, fields] of Object.entries(group.changes))
      lines.push(`  ~ ${resource}: ${fields.map((f) => f || '(the whole resource)').join(', ')}`);
  }
  return lines;
}
