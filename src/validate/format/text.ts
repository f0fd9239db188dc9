/** `--format text`: grouped environment → resource → rule, each finding with its one-line fix. */
import type { Finding, ResourceRef, SettingSource, ValidationReport, Waiver } from '../types.ts';
import { summarize } from './summary.ts';

const resourceName = (r: ResourceRef) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
/** Settings shown next to a finding's generated location; the rest are in the json report. */
const SETTINGS_SHOWN = 3;

/** `envs/staging/env.yaml:7 app.logLevel`, `src/config/schema.ts app.port (default)` */
export function settingPlace(source: SettingSource): string {
  return source.isDefault ? `${source.file} ${source.setting} (default)` : `${source.file}:${source.line} ${source.setting}`;
}

function settingsNote(settings: readonly SettingSource[] | undefined): string {
  if (!settings || settings.length === 0) return '';
  const more = settings.length > SETTINGS_SHOWN ? `, +${settings.length - SETTINGS_SHOWN} more` : '';
  return `← ${settings.slice(0, SETTINGS_SHOWN).map(settingPlace).join(', ')}${more}`;
}

const waiverPlace = (waiver: Waiver) =>
  waiver.location ? `${waiver.location.file}${waiver.location.line ? `:${waiver.location.line}` : ''}` : waiver.scope;

function waiverLine(waiver: Waiver): string {
  if (waiver.status === undefined) {
    const note = waiver.waived === 0 ? 'nothing to waive here' : `waives ${waiver.waived} finding${waiver.waived === 1 ? '' : 's'}`;
    return `  ${waiver.scope}: ${resourceName(waiver.resource)} waives ${waiver.ruleId} (${note}): "${waiver.reason}"`;
  }
  const target = waiver.resource.kind === 'env.yaml' ? 'every resource' : `${waiver.resource.kind}/${waiver.resource.name}`;
  const what = `${waiverPlace(waiver)} ${waiver.path}: ${waiver.ruleId} on ${target} until ${waiver.expires}`;
  switch (waiver.status) {
    case 'active':
      return `  ${what} (waives ${waiver.waived} finding${waiver.waived === 1 ? '' : 's'}): "${waiver.reason}"`;
    case 'unused':
      return `  warning waiver-unused: ${what} matches no finding: "${waiver.reason}"`;
    case 'not-checked':
      return `  ${what} (not checked: ${waiver.ruleId} did not run in this selection): "${waiver.reason}"`;
    case 'expired':
      return `  ${what} EXPIRED, waives nothing (a waiver-expired finding above): "${waiver.reason}"`;
  }
}

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
        const generated = finding.location?.line ? `${finding.location.file}:${finding.location.line}` : '';
        const places = [generated, settingsNote(finding.settings)].filter(Boolean).join(' ');
        const at = places ? ` [${places}]` : '';
        lines.push(`    ${finding.severity === 'error' ? 'error' : 'warning'} ${finding.ruleId}: ${finding.message}${at}`);
        for (const [side, value] of Object.entries(finding.sides ?? {})) lines.push(`        ${side.padEnd(12)} ${show(value)}`);
        lines.push(`      fix: ${finding.fix}`);
      }
    }
  }
  for (const skipped of report.skipped) lines.push(`- ${skipped.rule} skipped for ${skipped.scope}: ${skipped.reason}`);
  if (report.notes.length > 0) {
    lines.push('', `Notes (${report.notes.length}):`);
    for (const note of report.notes) lines.push(`  ${note.scope} ${note.rule}: ${note.message}`);
  }
  if (report.waivers.length > 0) {
    lines.push('', `Waivers (${report.waivers.length}):`);
    for (const waiver of report.waivers) lines.push(waiverLine(waiver));
  }
  if (report.waived.length > 0) {
    lines.push('', `Waived findings (${report.waived.length}):`);
    for (const finding of report.waived) {
      const field = finding.path ? ` ${finding.path}` : '';
      lines.push(`  ${finding.scope}: ${finding.ruleId} on ${resourceName(finding.resource)}${field}: waived: "${finding.waiver.reason}"`);
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
