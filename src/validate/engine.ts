/**
 * Runs every check on in-memory manifests, applies waivers and builds the
 * report. No I/O: the repository loader (repository.ts) and benches feed it.
 */
import { DEFAULT_KUBERNETES_VERSION } from '../config/kubernetes-version.ts';
import { SCHEMA_KUBERNETES_VERSION } from '../schemas/coverage.ts';
import type { Manifest } from '../kube/manifest.ts';
import { viewOf, type PairRules, type Report, type RepositoryRules, type Rules, type ScopeRules, type ScopeView } from './check.ts';
import { RULE_SETS, RULES, isRule, ruleInfo } from './rules.ts';
import { isObject } from './workloads.ts';
import type {
  EnvWaiver,
  Finding,
  ResourceRef,
  ScopeInput,
  SettingSource,
  ValidateManifestsOptions,
  ValidationReport,
  WaivedFinding,
  Waiver,
} from './types.ts';
import { settingFix } from './setting-fix.ts';

/** The env.yaml default, so that manifests without an environment are checked against the same version. */
export { DEFAULT_KUBERNETES_VERSION };

export const WAIVER_PREFIX = 'hivebox.dev/waive.';

const SCOPE_CHECKS = RULE_SETS.filter((set): set is Extract<typeof set, ScopeRules> => 'check' in set);
/** Rules over the whole repository (argocd/ and the environments together), run after the per-scope checks. */
const REPOSITORY_CHECKS = RULE_SETS.filter((set): set is Extract<typeof set, RepositoryRules> => 'checkRepository' in set);
const PAIR_CHECKS = RULE_SETS.filter((set): set is Extract<typeof set, PairRules> => 'checkPair' in set);

/** A report that takes only the rules declared with the check it is given to: their metadata stays beside that check. */
function restrictedTo(set: Rules, report: Report): Report {
  const ids = new Set(set.rules.map((rule) => rule.id));
  return (ruleId, ...finding) => {
    if (!ids.has(ruleId)) throw new Error(`a check reported ${ruleId}, which it does not declare (it declares ${[...ids].join(', ')})`);
    report(ruleId, ...finding);
  };
}

interface PendingFinding extends Omit<Finding, 'location'> {
  readonly manifest?: Manifest;
  readonly input: ScopeInput;
  /** Parity: the environment mirrored, whose settings explain the finding too. */
  readonly counterpart?: ScopeInput;
  readonly location?: Finding['location'];
  readonly waiver?: WaivedFinding['waiver'];
}

interface EnvWaiverState {
  readonly waiver: EnvWaiver;
  readonly input: ScopeInput;
  readonly expired: boolean;
  waived: number;
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
  const silenced: PendingFinding[] = [];
  const waivers = new Map<Manifest, Map<string, WaiverState>>();
  const envWaivers = new Map<ScopeInput, EnvWaiverState[]>();
  const views = new Map<string, { view: ScopeView; input: ScopeInput }>();
  const today = options.today ?? new Date().toISOString().slice(0, 10);

  const reporterFor =
    (input: ScopeInput, counterpart?: ScopeInput): Report =>
    (ruleId, manifest, path, message, sides) => {
      const info = ruleInfo(ruleId);
      const finding = {
        ruleId,
        severity: info.severity,
        scope: input.name,
        resource: refOf(manifest),
        path,
        message,
        fix: info.fix,
        manifest,
        input,
        ...(counterpart ? { counterpart } : {}),
        ...(sides ? { sides } : {}),
      };
      const waiver = waivers.get(manifest)?.get(ruleId);
      if (waiver) {
        waiver.waived++;
        silenced.push({ ...finding, waiver: { reason: waiver.reason } });
        return;
      }
      const envWaiver = envWaivers
        .get(input)
        ?.find(
          (w) =>
            !w.expired &&
            w.waiver.rule === ruleId &&
            (w.waiver.resource === undefined || w.waiver.resource === `${manifest.kind}/${manifest.metadata.name}`),
        );
      if (envWaiver) {
        envWaiver.waived++;
        const { reason, location, expires } = envWaiver.waiver;
        silenced.push({ ...finding, waiver: { reason, expires, ...(location ? { location } : {}) } });
        return;
      }
      pending.push(finding);
    };

  for (const input of options.scopes) {
    // A document without metadata is a schema finding, not a crash of every other check.
    const manifests = input.manifests.map((m) => (isObject(m.metadata) ? m : ({ ...m, metadata: { name: '' } } as Manifest)));
    const view = viewOf(input.name, input.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION, input.requireDigest ?? false, manifests);
    views.set(input.name, { view, input });
    envWaivers.set(
      input,
      (input.waivers ?? []).map((waiver) => ({ waiver, input, expired: waiver.expires < today, waived: 0 })),
    );
    const report = reporterFor(input);
    for (const manifest of manifests) collectWaivers(manifest, input, waivers, report);
    for (const set of SCOPE_CHECKS) set.check(view, restrictedTo(set, report));
  }
  const mirrors = new Set<string>();
  for (const pair of options.parity ?? []) {
    const mirror = views.get(pair.mirror);
    const of = views.get(pair.of);
    if (!mirror || !of) continue;
    mirrors.add(pair.mirror);
    for (const set of PAIR_CHECKS) set.checkPair(mirror.view, of.view, restrictedTo(set, reporterFor(mirror.input, of.input)));
  }

  const scopeViews = new Map([...views].map(([name, { view }]) => [name, view]));
  const reportIn = (scope: string): Report => {
    const entry = views.get(scope);
    if (!entry) throw new Error(`no scope ${scope}`);
    return reporterFor(entry.input);
  };
  const repository = { scopes: scopeViews, chartValues: options.chartValues ?? [], folders: options.folders ?? new Map() };
  for (const set of REPOSITORY_CHECKS) set.checkRepository(repository, (scope) => restrictedTo(set, reportIn(scope)));

  // An expired waiver silences nothing and is a finding of its own, at its place in env.yaml.
  for (const states of envWaivers.values()) {
    for (const { waiver, input } of states.filter((state) => state.expired)) {
      const info = ruleInfo('waiver-expired');
      const target = waiver.resource ? ` on ${waiver.resource}` : '';
      pending.push({
        ruleId: info.id,
        severity: info.severity,
        scope: input.name,
        resource: envFileRef(input),
        path: waiver.path,
        message: `the waiver of ${waiver.rule}${target} expired on ${waiver.expires} ("${waiver.reason}"), so ${waiver.rule} applies again`,
        fix: info.fix,
        input,
        ...(waiver.location ? { location: waiver.location } : {}),
      });
    }
  }

  const order = new Map(options.scopes.map((s, i) => [s.name, i]));
  const complete = <T extends PendingFinding>({
    manifest,
    input,
    counterpart,
    ...finding
  }: T): Omit<T, 'manifest' | 'input' | 'counterpart'> & Finding => {
    const location =
      finding.location ?? (manifest && input.locate?.(manifest, finding.path)) ?? (input.file ? { file: input.file } : undefined);
    const resource = `${finding.resource.kind}/${finding.resource.name}`;
    const settings: SettingSource[] = manifest
      ? [...(input.settings?.(resource, finding.path) ?? []), ...(counterpart?.settings?.(resource, finding.path) ?? [])]
      : [];
    const ordered = [...settings.filter((s) => !s.isDefault), ...settings.filter((s) => s.isDefault)];
    return {
      ...finding,
      ...(location ? { location } : {}),
      ...(ordered.length > 0 ? { settings: ordered, fix: settingFix(ordered, finding.fix) } : {}),
    };
  };
  const byPlace = (a: Finding, b: Finding) =>
    order.get(a.scope)! - order.get(b.scope)! ||
    compareResources(a.resource, b.resource) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.path.localeCompare(b.path);
  const findings: Finding[] = pending.map(complete).sort(byPlace);
  const waived = silenced.map((finding) => complete(finding) as WaivedFinding).sort(byPlace);

  const waiverList: Waiver[] = [];
  for (const [manifest, byRule] of waivers) {
    for (const [ruleId, state] of byRule) {
      const location = state.input.locate?.(manifest, `metadata.annotations["${WAIVER_PREFIX}${ruleId}"]`);
      waiverList.push({
        ruleId,
        scope: state.input.name,
        resource: refOf(manifest),
        reason: state.reason,
        waived: state.waived,
        ...(location ? { location } : {}),
      });
    }
  }
  for (const states of envWaivers.values()) {
    for (const { waiver, input, expired, waived: count } of states) {
      // Parity runs only when both environments are selected: a parity waiver is not unused when parity did not run.
      const status = expired
        ? 'expired'
        : count > 0
          ? 'active'
          : waiver.rule === 'parity' && !mirrors.has(input.name)
            ? 'not-checked'
            : 'unused';
      const resource = waiver.resource ? resourceRefOf(waiver.resource) : envFileRef(input);
      waiverList.push({
        ruleId: waiver.rule,
        scope: input.name,
        resource,
        reason: waiver.reason,
        waived: count,
        expires: waiver.expires,
        path: waiver.path,
        status,
        ...(waiver.location ? { location: waiver.location } : {}),
      });
    }
  }
  waiverList.sort(
    (a, b) => order.get(a.scope)! - order.get(b.scope)! || compareResources(a.resource, b.resource) || a.ruleId.localeCompare(b.ruleId),
  );
  return {
    scopes: options.scopes.map((s) => ({
      name: s.name,
      ...(s.file ? { file: s.file } : {}),
      kubernetesVersion: s.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
      schemaVersion: SCHEMA_KUBERNETES_VERSION,
      resources: s.manifests.length,
    })),
    resourceCount: options.scopes.reduce((sum, s) => sum + s.manifests.length, 0),
    findings,
    waivers: waiverList,
    waived,
    skipped: options.skipped ?? [],
    notes: REPOSITORY_CHECKS.flatMap((set) => set.notes?.(repository) ?? []),
    rules: RULES,
  };
}

/** What a finding about env.yaml itself (an expired waiver) is reported on. */
function envFileRef(input: ScopeInput): ResourceRef {
  return { apiVersion: '', kind: 'env.yaml', name: input.name };
}

/** Kind/name → a reference (the API version is not part of a waiver). */
function resourceRefOf(kindName: string): ResourceRef {
  const [kind, ...name] = kindName.split('/');
  return { apiVersion: '', kind: kind!, name: name.join('/') };
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
