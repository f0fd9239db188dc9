/** Machine-readable: the report as it is, stable key order, for scripts and other tools. */
import type { DiffReport } from '../index.ts';

export function formatJson(report: DiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
