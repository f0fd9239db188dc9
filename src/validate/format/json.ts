/** `--format json`: the whole report, stable keys, for scripts. */
import type { ValidationReport } from '../types.ts';
import { summarize } from './summary.ts';

export function formatJson(report: ValidationReport): string {
  return `${JSON.stringify({ summary: summarize(report), ...report }, null, 2)}\n`;
}
