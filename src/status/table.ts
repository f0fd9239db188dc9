/** The plain-text table `status` prints: what runs where, next to what Git wants. */
import { shortImageReference } from '../kube/image.ts';
import { isSettled, type EnvironmentStatus } from './application.ts';

const HEADINGS = ['ENV', 'SYNC', 'HEALTH', 'REVISION', 'RUNNING', 'WANTED (GIT)'] as const;

export function renderTable(rows: readonly EnvironmentStatus[], head: string | undefined): string {
  const cells = rows.map((row) => [
    row.environment,
    row.sync,
    row.health,
    row.revision ? shortRevision(row.revision, head) : '-',
    // "≠" marks an image other than the one Git wants (an old one, or a rollout half done).
    row.running.length > 0 ? `${row.runsWanted ? '' : '≠ '}${row.running.map(shortImageReference).join(', ')}` : '-',
    shortImageReference(row.wanted),
  ]);
  const widths = HEADINGS.map((heading, i) => Math.max(heading.length, ...cells.map((cell) => cell[i]!.length)));
  const line = (cell: readonly string[]) =>
    cell
      .map((text, i) => text.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const settled = rows.filter(isSettled).length;
  return [
    `Git HEAD: ${head ? head.slice(0, 7) : '(not a git repository)'}`,
    line(HEADINGS),
    ...cells.map(line),
    `${settled} of ${rows.length} environments Synced, Healthy and running the image Git wants.`,
    '',
  ].join('\n');
}

/** A commit as 7 characters, marked when it is the local HEAD. */
function shortRevision(revision: string, head: string | undefined): string {
  return `${revision.slice(0, 7)}${revision === head ? ' (HEAD)' : ''}`;
}
