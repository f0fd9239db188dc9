/**
 * The catalogue of every rule `validate` applies, assembled from the checks: each rule's id (the one a
 * waiver names), what it requires and its fix are declared beside the check that reports it
 * (checks/*.ts, waivers.ts). The order here is the order the report lists the rules in (SARIF's
 * tool.driver.rules, the json report's rules).
 */
import type { Environment } from '../config/environment.ts';
import { closest, InputError } from '../errors.ts';
import type { PairRules, RepositoryRules, Rules, ScopeRules } from './check.ts';
import { argocdRbacRules } from './checks/argocd-rbac.ts';
import { convergenceCrdsRules, convergenceRetryRules, convergenceWavesRules, deletionConfirmRules } from './checks/convergence.ts';
import { gatewayCertificateRules, gatewayRouteAttachedRules, noIngressRules } from './checks/gateway.ts';
import { networkFlowsRules } from './checks/network-flows.ts';
import { notificationSubscriptionRules } from './checks/notifications.ts';
import { parityRules } from './checks/parity.ts';
import { chartRenderRepeatableRules, platformResourcesRules } from './checks/platform.ts';
import { platformPodSecurityRules } from './checks/platform-pod-security.ts';
import {
  defaultDenyRules,
  duplicateEnvRules,
  hpaTargetRules,
  podDisruptionBudgetRules,
  probesRules,
  resourcesRules,
  serviceMonitorRules,
  serviceSelectorRules,
} from './checks/reliability.ts';
import { schemaRules } from './checks/schema.ts';
import { imageRules, namespacePodSecurityRules, podSecurityRules, secretDataRules, serviceAccountTokenRules } from './checks/security.ts';
import { syncWindowRules } from './checks/sync-windows.ts';
import type { RuleInfo } from './types.ts';
import { waiverRules } from './waivers.ts';

type RuleSet = ScopeRules | RepositoryRules | PairRules | Rules;

export const RULE_SETS = [
  schemaRules,
  podSecurityRules,
  namespacePodSecurityRules,
  platformPodSecurityRules,
  imageRules,
  secretDataRules,
  networkFlowsRules,
  serviceAccountTokenRules,
  resourcesRules,
  probesRules,
  podDisruptionBudgetRules,
  serviceSelectorRules,
  hpaTargetRules,
  serviceMonitorRules,
  defaultDenyRules,
  noIngressRules,
  gatewayRouteAttachedRules,
  gatewayCertificateRules,
  duplicateEnvRules,
  convergenceWavesRules,
  convergenceRetryRules,
  convergenceCrdsRules,
  deletionConfirmRules,
  platformResourcesRules,
  chartRenderRepeatableRules,
  syncWindowRules,
  argocdRbacRules,
  notificationSubscriptionRules,
  parityRules,
  waiverRules,
] as const satisfies readonly RuleSet[];

export const RULES: readonly RuleInfo[] = RULE_SETS.flatMap((set: RuleSet) => set.rules);

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleInfo(id: string): RuleInfo {
  const info = BY_ID.get(id);
  if (!info) throw new Error(`unknown rule ${id}`);
  return info;
}

export function isRule(id: string): boolean {
  return BY_ID.has(id);
}

/** What an env.yaml waiver may name: every rule but the waivers' own. */
const WAIVABLE = RULES.filter((rule) => rule.category !== 'waiver').map((rule) => rule.id);

/** Every env.yaml waiver names a rule validate has (and not one about waivers): otherwise bad input, exit 2, at its rule. */
export function checkWaivedRules(environment: Pick<Environment, 'file' | 'waivers'>): void {
  environment.waivers.forEach(({ rule }, index) => {
    if (WAIVABLE.includes(rule)) return;
    const guess = closest(rule, WAIVABLE);
    throw new InputError(
      environment.file,
      `waivers[${index}].rule`,
      `expected a rule of hivebox-gitops validate, such as parity or service-account-token (README, Validate), got "${rule}"${guess ? ` (did you mean ${guess}?)` : ''}`,
    );
  });
}
