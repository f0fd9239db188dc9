/** `--format text`: grouped environment → resource → rule, each finding with its one-line fix. */
import type { Finding, ResourceRef, ValidationReport } from '../types.ts';
import { summarize } from './summary.ts';

const resourceName = (r: ResourceRef) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

export function formatText(report: ValidationReport): string {
  const lines: string[] = [];
  const summary = summarize(report);
  for (const scope of report.scopes) {
    const findings = report.findings.filter((f) => f.scope === scope.name);
    const header = `${scope.name} (Kubernetes ${scope.kubernetesVersion}, checked with the Kubernetes ${scope.schemaVersion} schemas, ${scope.resources} resources)`;
    if (findings.length === 0) {
      lines.push(`✓ ${header}: clean`);
      continue;
    }
    lines.push(`✗ ${header}: ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
    const byResource = new Map<string, Finding[]>();
    for (const finding of findings) {
      const key = resourceName(finding.resource);
      (byResource.get(key) ?? byResource.set(key, []).get(key)!).push(finding);
    }
    for (const [resource, items] of byResource) {
      const file = items.find((f) => f.location)?.location?.file;
      lines.push(`  ${resource}${file ? `  (${file})` : ''}`);
      for (const finding of items) {
        const at = finding.location?.line ? ` [${finding.location.file}:${finding.location.line}]` : '';
        lines.push(`    ${finding.severity === 'error' ? 'error' : 'warning'} ${finding.ruleId}: ${finding.message}${at}`);
        for (const [side, value] of Object.entries(finding.sides ?? {})) lines.push(`        ${side.padEnd(12)} ${show(value)}`);
        lines.push(`      fix: ${finding.fix}`);
      }
    }
  }
  if (report.waivers.length > 0) {
    lines.push('', `Waivers (${report.waivers.length}):`);
    for (const waiver of report.waivers) {
      const note = waiver.waived === 0 ? 'nothing to waive here' : `waives ${waiver.waived} finding${waiver.waived === 1 ? '' : 's'}`;
      lines.push(`  ${waiver.scope}: ${resourceName(waiver.resource)} waives ${waiver.ruleId} (${note}): "${waiver.reason}"`);
    }
  }
  lines.push(
    '',
    summary.clean
      ? `Clean: ${summary.resources} resources in ${report.scopes.map((s) => s.name).join(', ')}; ${summary.waivers} waiver${summary.waivers === 1 ? '' : 's'}.`
      : `${summary.findings} finding${summary.findings === 1 ? '' : 's'} (${summary.errors} error${summary.errors === 1 ? '' : 's'}, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}) in ${summary.resources} resources; ${summary.waivers} waiver${summary.waivers === 1 ? '' : 's'}.`,
  );
  return `${lines.join('\n')}\n`;
}
