/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning. A result points at
 * the env.yaml line of the setting that produces the field, where an env.yaml
 * sets one (the line the engineer changed, which code scanning annotates);
 * otherwise at the generated file the resource comes from (base/, envs/<env>/,
 * argocd/), at the field's line where the file has it. The other places are
 * related locations. Waivers travel as run properties; one that matches
 * nothing is a warning result at its line.
 */
import { readFileSync } from 'node:fs';
import type { Finding, SourceLocation, ValidationReport, Waiver } from '../types.ts';
import { summarize } from './summary.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const physical = (location: SourceLocation | undefined, fallback: string) => ({
  artifactLocation: { uri: location?.file ?? fallback, uriBaseId: '%SRCROOT%' },
  ...(location?.line ? { region: { startLine: location.line } } : {}),
});

function result(finding: Finding, ruleIndex: number) {
  const resource = `${finding.scope}/${finding.resource.kind}/${finding.resource.namespace ? `${finding.resource.namespace}/` : ''}${finding.resource.name}`;
  const sides = finding.sides
    ? ` (${Object.entries(finding.sides)
        .map(([side, value]) => `${side}: ${JSON.stringify(value)}`)
        .join(', ')})`
    : '';
  const settings = finding.settings ?? [];
  const primary = settings.find((s) => !s.isDefault);
  const related = [
    ...(primary && finding.location ? [{ location: finding.location, text: 'generated here' }] : []),
    ...settings
      .filter((s) => s !== primary)
      .map((s) => ({
        location: { file: s.file, ...(s.line ? { line: s.line } : {}) },
        text: s.isDefault ? `${s.setting} (default)` : s.setting,
      })),
  ];
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.severity,
    message: {
      text: `${finding.scope}: ${finding.resource.kind} ${finding.resource.name}: ${finding.message}${sides}. Fix: ${finding.fix}`,
    },
    locations: [
      {
        physicalLocation: physical(primary ? { file: primary.file, line: primary.line } : finding.location, finding.scope),
        logicalLocations: [{ fullyQualifiedName: finding.path ? `${resource}:${finding.path}` : resource, kind: 'resource' }],
      },
    ],
    ...(related.length > 0
      ? {
          relatedLocations: related.map((r, id) => ({
            id,
            physicalLocation: physical(r.location, finding.scope),
            message: { text: r.text },
          })),
        }
      : {}),
    // Stable across line moves: the same finding on the same resource field is the same alert.
    partialFingerprints: { 'hiveboxFinding/v1': `${finding.ruleId}|${resource}|${finding.path}` },
    properties: {
      scope: finding.scope,
      resource: finding.resource,
      path: finding.path,
      ...(finding.sides ? { sides: finding.sides } : {}),
      ...(settings.length > 0 ? { settings } : {}),
    },
  };
}

/** A waiver that matches nothing: a warning at its env.yaml line (it never fails a run). */
function unusedWaiver(waiver: Waiver, ruleIndex: number) {
  const target = waiver.resource.kind === 'env.yaml' ? 'every resource' : `${waiver.resource.kind}/${waiver.resource.name}`;
  return {
    ruleId: 'waiver-unused',
    ruleIndex,
    level: 'warning',
    message: {
      text: `${waiver.scope}: the waiver ${waiver.path} of ${waiver.ruleId} on ${target} matches no finding ("${waiver.reason}"). Delete it, or fix its rule or resource.`,
    },
    locations: [{ physicalLocation: physical(waiver.location, waiver.scope) }],
    partialFingerprints: { 'hiveboxFinding/v1': `waiver-unused|${waiver.scope}|${waiver.ruleId}|${target}` },
  };
}

export function formatSarif(report: ValidationReport): string {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'hivebox-gitops validate',
            version: packageVersion(),
            informationUri: 'https://github.com/hivebox-platform/hivebox-gitops',
            rules: report.rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.title },
              fullDescription: { text: `${rule.title}.` },
              help: { text: rule.fix },
              defaultConfiguration: { level: rule.severity },
              properties: { category: rule.category, tags: [rule.category] },
            })),
          },
        },
        results: [
          ...report.findings.map((finding) => result(finding, ruleIndex.get(finding.ruleId)!)),
          ...report.waivers.filter((w) => w.status === 'unused').map((w) => unusedWaiver(w, ruleIndex.get('waiver-unused')!)),
        ],
        properties: {
          summary: summarize(report),
          scopes: report.scopes,
          waivers: report.waivers,
          waived: report.waived,
          skipped: report.skipped,
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
