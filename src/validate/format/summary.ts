/** Counts every format prints the same way. */
import type { ValidationReport } from '../types.ts';

export interface Summary {
  readonly clean: boolean;
  readonly resources: number;
  readonly findings: number;
  readonly errors: number;
  readonly warnings: number;
  readonly waivers: number;
}

export function summarize(report: ValidationReport): Summary {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  return {
    clean: report.findings.length === 0,
    resources: report.resourceCount,
    findings: report.findings.length,
    errors,
    warnings: report.findings.length - errors,
    waivers: report.waivers.length,
  };
}
