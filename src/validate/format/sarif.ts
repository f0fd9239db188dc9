/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning. Every result points
 * at the generated file the resource comes from (base/, envs/<env>/, argocd/),
 * at the field's line where the file has it; waivers travel as run properties.
 */
import { readFileSync } from 'node:fs';
import type { Finding, ValidationReport } from '../types.ts';
import { summarize } from './summary.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const packageVersion = (): string => (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function result(finding: Finding, ruleIndex: number) {
  const resource = `${finding.scope}/${finding.resource.kind}/${finding.resource.namespace ? `${finding.resource.namespace}/` : ''}${finding.resource.name}`;
  const sides = finding.sides ? ` (${Object.entries(finding.sides).map(([side, value]) => `${side}: ${JSON.stringify(value)}`).join(', ')})` : '';
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.severity,
    message: { text: `${finding.scope}: ${finding.resource.kind} ${finding.resource.name}: ${finding.message}${sides}. Fix: ${finding.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: finding.location?.file ?? finding.scope, uriBaseId: '%SRCROOT%' },
          ...(finding.location?.line ? { region: { startLine: finding.location.line } } : {}),
        },
        logicalLocations: [{ fullyQualifiedName: finding.path ? `${resource}:${finding.path}` : resource, kind: 'resource' }],
      },
    ],
    // Stable across line moves: the same finding on the same resource field is the same alert.
    partialFingerprints: { 'hiveboxFinding/v1': `${finding.ruleId}|${resource}|${finding.path}` },
    properties: { scope: finding.scope, resource: finding.resource, path: finding.path, ...(finding.sides ? { sides: finding.sides } : {}) },
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
        results: report.findings.map((finding) => result(finding, ruleIndex.get(finding.ruleId)!)),
        properties: { summary: summarize(report), scopes: report.scopes, waivers: report.waivers },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
