/**
 * Runs every check on in-memory manifests, applies waivers and builds the
 * report. No I/O: the repository loader (repository.ts) and benches feed it.
 */
import { DEFAULT_KUBERNETES_VERSION } from '../config/kubernetes-version.ts';
import type { Manifest } from '../synth/types.ts';
import { viewOf, type Check, type Report, type RepositoryCheck, type ScopeView } from './check.ts';
import { argocdRbacCheck } from './checks/argocd-rbac.ts';
import { convergenceCrdsCheck, convergenceRetryCheck, convergenceWavesCheck, deletionConfirmCheck } from './checks/convergence.ts';
import { networkFlowsCheck } from './checks/network-flows.ts';
import { notificationSubscriptionCheck } from './checks/notifications.ts';
import { parityCheck } from './checks/parity.ts';
import { chartRenderRepeatableCheck, platformResourcesCheck } from './checks/platform.ts';
import { defaultDenyCheck, duplicateEnvCheck, hpaTargetCheck, ingressTlsCheck, podDisruptionBudgetCheck, probesCheck, resourcesCheck, serviceMonitorCheck, serviceSelectorCheck } from './checks/reliability.ts';
import { schemaCheck } from './checks/schema.ts';
import { imageCheck, podSecurityCheck, secretDataCheck, serviceAccountTokenCheck } from './checks/security.ts';
import { syncWindowCheck } from './checks/sync-windows.ts';
import { RULES, isRule, ruleInfo } from './rules.ts';
import { isObject } from './workloads.ts';
import type { Finding, ResourceRef, ScopeInput, ValidateManifestsOptions, ValidationReport, Waiver } from './types.ts';

/** The env.yaml default, so that manifests without an environment are checked against the same version. */
export { DEFAULT_KUBERNETES_VERSION };

export const WAIVER_PREFIX = 'hivebox.dev/waive.';

const CHECKS: readonly Check[] = [
  schemaCheck,
  podSecurityCheck,
  imageCheck,
  secretDataCheck,
  serviceAccountTokenCheck,
  resourcesCheck,
  probesCheck,
  podDisruptionBudgetCheck,
  serviceSelectorCheck,
  hpaTargetCheck,
  serviceMonitorCheck,
  defaultDenyCheck,
  networkFlowsCheck,
  ingressTlsCheck,
  duplicateEnvCheck,
  syncWindowCheck,
];

/** Rules over the whole repository (argocd/ and the environments together), run after the per-scope checks. */
const REPOSITORY_CHECKS: readonly RepositoryCheck[] = [
  convergenceWavesCheck,
  convergenceRetryCheck,
  convergenceCrdsCheck,
  deletionConfirmCheck,
  platformResourcesCheck,
  chartRenderRepeatableCheck,
  argocdRbacCheck,
  notificationSubscriptionCheck,
];

interface PendingFinding extends Omit<Finding, 'location'> {
  readonly manifest: Manifest;
  readonly input: ScopeInput;
}

interface WaiverState {
  readonly reason: string;
  readonly manifest: Manifest;
  readonly input: ScopeInput;
  waived: number;
}

export function refOf(manifest: Manifest): ResourceRef {
  return {
    apiVersion: String(manifest.apiVersion),
    kind: String(manifest.kind),
    name: String(manifest.metadata?.name ?? ''),
    ...(manifest.metadata?.namespace ? { namespace: manifest.metadata.namespace } : {}),
  };
}

export function validateManifests(options: ValidateManifestsOptions): ValidationReport {
  const pending: PendingFinding[] = [];
  const waivers = new Map<Manifest, Map<string, WaiverState>>();
  const views = new Map<string, { view: ScopeView; input: ScopeInput }>();

  const reporterFor = (input: ScopeInput): Report => (ruleId, manifest, path, message, sides) => {
    const waiver = waivers.get(manifest)?.get(ruleId);
    if (waiver) {
      waiver.waived++;
      return;
    }
    const info = ruleInfo(ruleId);
    pending.push({ ruleId, severity: info.severity, scope: input.name, resource: refOf(manifest), path, message, fix: info.fix, manifest, input, ...(sides ? { sides } : {}) });
  };

  for (const input of options.scopes) {
    // A document without metadata is a schema finding, not a crash of every other check.
    const manifests = input.manifests.map((m) => (isObject(m.metadata) ? m : ({ ...m, metadata: { name: '' } } as Manifest)));
    const view = viewOf(input.name, input.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION, input.requireDigest ?? false, manifests);
    views.set(input.name, { view, input });
    const report = reporterFor(input);
    for (const manifest of manifests) collectWaivers(manifest, input, waivers, report);
    for (const check of CHECKS) check(view, report);
  }
  for (const pair of options.parity ?? []) {
    const mirror = views.get(pair.mirror);
    const of = views.get(pair.of);
    if (mirror && of) parityCheck(mirror.view, of.view, reporterFor(mirror.input));
  }

  const scopeViews = new Map([...views].map(([name, { view }]) => [name, view]));
  const reportIn = (scope: string): Report => {
    const entry = views.get(scope);
    if (!entry) throw new Error(`no scope ${scope}`);
    return reporterFor(entry.input);
  };
  for (const check of REPOSITORY_CHECKS) check({ scopes: scopeViews, chartValues: options.chartValues ?? [], folders: options.folders ?? new Map() }, reportIn);

  const order = new Map(options.scopes.map((s, i) => [s.name, i]));
  const findings = pending
    .map(({ manifest, input, ...finding }): Finding => {
      const location = input.locate?.(manifest, finding.path) ?? (input.file ? { file: input.file } : undefined);
      return location ? { ...finding, location } : finding;
    })
    .sort((a, b) => (order.get(a.scope)! - order.get(b.scope)!) || compareResources(a.resource, b.resource) || a.ruleId.localeCompare(b.ruleId) || a.path.localeCompare(b.path));
  const waiverList: Waiver[] = [];
  for (const [manifest, byRule] of waivers) {
    for (const [ruleId, state] of byRule) {
      const location = state.input.locate?.(manifest, `metadata.annotations["${WAIVER_PREFIX}${ruleId}"]`);
      waiverList.push({ ruleId, scope: state.input.name, resource: refOf(manifest), reason: state.reason, waived: state.waived, ...(location ? { location } : {}) });
    }
  }
  waiverList.sort((a, b) => (order.get(a.scope)! - order.get(b.scope)!) || compareResources(a.resource, b.resource) || a.ruleId.localeCompare(b.ruleId));
  return {
    scopes: options.scopes.map((s) => ({ name: s.name, ...(s.file ? { file: s.file } : {}), kubernetesVersion: s.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION, resources: s.manifests.length })),
    resourceCount: options.scopes.reduce((sum, s) => sum + s.manifests.length, 0),
    findings,
    waivers: waiverList,
    rules: RULES,
  };
}

function compareResources(a: ResourceRef, b: ResourceRef): number {
  return a.kind.localeCompare(b.kind) || (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name);
}

function collectWaivers(manifest: Manifest, input: ScopeInput, waivers: Map<Manifest, Map<string, WaiverState>>, report: Report): void {
  const annotations = manifest.metadata?.annotations;
  if (!annotations) return;
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(WAIVER_PREFIX)) continue;
    const ruleId = key.slice(WAIVER_PREFIX.length);
    const path = `metadata.annotations["${key}"]`;
    if (!isRule(ruleId) || ruleId === 'waiver-invalid') {
      report('waiver-invalid', manifest, path, `waiver names no known rule "${ruleId}"`);
    } else if (typeof value !== 'string' || value.trim() === '') {
      report('waiver-invalid', manifest, path, `waiver of ${ruleId} gives no reason, so it does not apply`);
    } else {
      const byRule = waivers.get(manifest) ?? waivers.set(manifest, new Map()).get(manifest)!;
      byRule.set(ruleId, { reason: value.trim(), manifest, input, waived: 0 });
    }
  }
}
