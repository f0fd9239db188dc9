/** Reliability: single-resource hygiene and the cross-resource references a cluster never checks for you. */
import type { Manifest } from '../../kube/manifest.ts';
import { type Check, rule, type ScopeRules } from '../check.ts';
import {
  asArray,
  asObject,
  asStringMap,
  containersOf,
  mapSelectorMatches,
  namespaceOf,
  podTemplate,
  selectorMatches,
  type PodTemplate,
} from '../workloads.ts';

export const resourcesCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    const pod = podTemplate(manifest);
    if (!pod) continue;
    for (const { container, path, name, list } of containersOf(pod)) {
      if (list === 'ephemeralContainers') continue; // debug containers cannot have resources
      const resources = asObject(container.resources);
      const missing = (['requests', 'limits'] as const).flatMap((kind) =>
        (['cpu', 'memory'] as const).filter((r) => asObject(resources[kind])[r] === undefined).map((r) => `${kind}.${r}`),
      );
      if (missing.length > 0) report('resources', manifest, `${path}.resources`, `container ${name} has no ${missing.join(', ')}`);
    }
  }
};

export const resourcesRules: ScopeRules = {
  rules: [
    rule(
      'resources',
      'reliability',
      'Every container has CPU and memory requests and limits',
      'Set resources.requests and resources.limits (cpu and memory) on the container.',
    ),
  ],
  check: resourcesCheck,
};

export const probesCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    const pod = podTemplate(manifest);
    if (!pod?.longRunning) continue;
    for (const { container, path, name, list } of containersOf(pod)) {
      if (list !== 'containers') continue;
      for (const probe of ['readinessProbe', 'livenessProbe'] as const) {
        if (container[probe] === undefined) report('probes', manifest, `${path}.${probe}`, `container ${name} has no ${probe}`);
      }
    }
  }
};

export const probesRules: ScopeRules = {
  rules: [
    rule(
      'probes',
      'reliability',
      'Long-running containers have readiness and liveness probes',
      'Add readinessProbe and livenessProbe to the container.',
    ),
  ],
  check: probesCheck,
};

const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

function scaleTargets(scope: Parameters<Check>[0], namespace: string, manifest: Manifest): Manifest[] {
  return scope.ofKind('HorizontalPodAutoscaler', namespace).filter((hpa) => {
    const ref = asObject(asObject(hpa.spec).scaleTargetRef);
    return ref.kind === manifest.kind && ref.name === manifest.metadata.name;
  });
}

export const podDisruptionBudgetCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    if (!SCALABLE.has(manifest.kind)) continue;
    const pod = podTemplate(manifest)!;
    const namespace = namespaceOf(manifest);
    const replicas = asObject(manifest.spec).replicas;
    const hpaMax = Math.max(0, ...scaleTargets(scope, namespace, manifest).map((hpa) => Number(asObject(hpa.spec).maxReplicas ?? 1)));
    const replicated = (typeof replicas === 'number' && replicas > 1) || hpaMax > 1;
    if (!replicated) continue;
    const covered = scope
      .ofKind('PodDisruptionBudget', namespace)
      .some((pdb) => selectorMatches(asObject(pdb.spec).selector ?? {}, pod.labels));
    if (!covered)
      report(
        'pod-disruption-budget',
        manifest,
        '',
        `${manifest.kind} ${manifest.metadata.name} runs several replicas but no PodDisruptionBudget selects its pods`,
      );
  }
};

export const podDisruptionBudgetRules: ScopeRules = {
  rules: [
    rule(
      'pod-disruption-budget',
      'reliability',
      'Replicated workloads have a PodDisruptionBudget selecting their pods',
      'Add a PodDisruptionBudget whose selector matches the pod labels.',
    ),
  ],
  check: podDisruptionBudgetCheck,
};

function podsIn(scope: Parameters<Check>[0], namespace: string): Array<{ manifest: Manifest; pod: PodTemplate }> {
  const out: Array<{ manifest: Manifest; pod: PodTemplate }> = [];
  for (const manifest of scope.byNamespace.get(namespace) ?? []) {
    const pod = podTemplate(manifest);
    if (pod && manifest.kind !== 'PodTemplate') out.push({ manifest, pod });
  }
  return out;
}

export const serviceSelectorCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    if (manifest.kind !== 'Service' || manifest.apiVersion !== 'v1') continue;
    const spec = asObject(manifest.spec);
    const selector = asStringMap(spec.selector);
    if (spec.type === 'ExternalName' || Object.keys(selector).length === 0) continue; // endpoints managed elsewhere
    const matched = podsIn(scope, namespaceOf(manifest)).filter(({ pod }) => mapSelectorMatches(selector, pod.labels));
    if (matched.length === 0) {
      report(
        'service-selector',
        manifest,
        'spec.selector',
        `Service ${manifest.metadata.name} selects no pods (selector ${JSON.stringify(selector)})`,
      );
      continue;
    }
    const ports = matched.flatMap(({ pod }) => containersOf(pod).flatMap(({ container }) => asArray(container.ports).map(asObject)));
    asArray(spec.ports).forEach((p, index) => {
      const port = asObject(p);
      const target = port.targetPort ?? port.port;
      const found = typeof target === 'string' ? ports.some((cp) => cp.name === target) : ports.some((cp) => cp.containerPort === target);
      if (!found) {
        report(
          'service-selector',
          manifest,
          `spec.ports[${index}].targetPort`,
          `Service ${manifest.metadata.name} port ${String(port.name ?? port.port)} targets ${JSON.stringify(target)}, which no selected container declares`,
        );
      }
    });
  }
};

export const serviceSelectorRules: ScopeRules = {
  rules: [
    rule(
      'service-selector',
      'reliability',
      'Every Service selects pods of a workload, on ports those pods declare',
      'Make spec.selector match the pod template labels and targetPort a declared container port.',
    ),
  ],
  check: serviceSelectorCheck,
};

export const hpaTargetCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    if (manifest.kind !== 'HorizontalPodAutoscaler') continue;
    const ref = asObject(asObject(manifest.spec).scaleTargetRef);
    const exists = scope
      .ofKind(String(ref.kind), namespaceOf(manifest))
      .some((m) => m.metadata.name === ref.name && (ref.apiVersion === undefined || m.apiVersion === ref.apiVersion));
    if (!exists)
      report(
        'hpa-target',
        manifest,
        'spec.scaleTargetRef',
        `HorizontalPodAutoscaler ${manifest.metadata.name} scales ${String(ref.kind)} ${String(ref.name)}, which does not exist here`,
      );
  }
};

export const hpaTargetRules: ScopeRules = {
  rules: [
    rule(
      'hpa-target',
      'reliability',
      'HorizontalPodAutoscaler targets exist',
      'Point spec.scaleTargetRef at an existing Deployment or StatefulSet in the same namespace.',
    ),
  ],
  check: hpaTargetCheck,
};

export const serviceMonitorCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    if (manifest.kind !== 'ServiceMonitor') continue;
    const spec = asObject(manifest.spec);
    const namespaceSelector = asObject(spec.namespaceSelector);
    const namespaces =
      namespaceSelector.any === true
        ? [...scope.byNamespace.keys()]
        : asArray(namespaceSelector.matchNames).length > 0
          ? asArray(namespaceSelector.matchNames).map(String)
          : [namespaceOf(manifest)];
    const services = namespaces
      .flatMap((ns) => scope.ofKind('Service', ns))
      .filter((svc) => selectorMatches(spec.selector ?? {}, asStringMap(svc.metadata.labels)));
    if (services.length === 0) {
      report('service-monitor-target', manifest, 'spec.selector', `ServiceMonitor ${manifest.metadata.name} selects no Service`);
      continue;
    }
    const servicePorts = services.flatMap((svc) => asArray(asObject(svc.spec).ports).map(asObject));
    asArray(spec.endpoints).forEach((e, index) => {
      const endpoint = asObject(e);
      const path = `spec.endpoints[${index}]`;
      if (typeof endpoint.port === 'string') {
        if (!servicePorts.some((p) => p.name === endpoint.port))
          report('service-monitor-target', manifest, `${path}.port`, `no selected Service has a port named ${endpoint.port}`);
      } else if (endpoint.targetPort !== undefined) {
        if (!servicePorts.some((p) => (p.targetPort ?? p.port) === endpoint.targetPort)) {
          report(
            'service-monitor-target',
            manifest,
            `${path}.targetPort`,
            `no selected Service targets port ${JSON.stringify(endpoint.targetPort)}`,
          );
        }
      } else {
        report('service-monitor-target', manifest, `${path}.port`, 'the endpoint names no Service port');
      }
    });
  }
};

export const serviceMonitorRules: ScopeRules = {
  rules: [
    rule(
      'service-monitor-target',
      'reliability',
      'ServiceMonitors select a Service and one of its named ports',
      'Make spec.selector match a Service and endpoints[].port name one of its ports.',
    ),
  ],
  check: serviceMonitorCheck,
};

function isDefaultDeny(policy: Manifest): boolean {
  const spec = asObject(policy.spec);
  const selector = asObject(spec.podSelector);
  const selectsAll = Object.keys(asObject(selector.matchLabels)).length === 0 && asArray(selector.matchExpressions).length === 0;
  const types = asArray(spec.policyTypes).map(String);
  return (
    selectsAll &&
    types.includes('Ingress') &&
    types.includes('Egress') &&
    asArray(spec.ingress).length === 0 &&
    asArray(spec.egress).length === 0
  );
}

export const defaultDenyCheck: Check = (scope, report) => {
  for (const [namespace, manifests] of scope.byNamespace) {
    const workloads = manifests.filter((m) => podTemplate(m) !== undefined && m.kind !== 'PodTemplate');
    if (workloads.length === 0) continue;
    if (scope.ofKind('NetworkPolicy', namespace).some(isDefaultDeny)) continue;
    const anchor = scope.ofKind('Namespace', '').find((ns) => ns.metadata.name === namespace) ?? workloads[0]!;
    report(
      'network-policy-default-deny',
      anchor,
      '',
      `namespace ${namespace || '(unset)'} runs pods but has no default-deny NetworkPolicy`,
    );
  }
};

export const defaultDenyRules: ScopeRules = {
  rules: [
    rule(
      'network-policy-default-deny',
      'reliability',
      'Every namespace with pods has a default-deny NetworkPolicy (all pods, Ingress and Egress, no rules)',
      'Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules.',
    ),
  ],
  check: defaultDenyCheck,
};

export const duplicateEnvCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    const pod = podTemplate(manifest);
    if (!pod) continue;
    for (const { container, path, name } of containersOf(pod)) {
      const seen = new Set<string>();
      asArray(container.env).forEach((e, index) => {
        const variable = String(asObject(e).name);
        if (seen.has(variable))
          report('duplicate-env', manifest, `${path}.env[${index}]`, `container ${name} sets ${variable} more than once`);
        seen.add(variable);
      });
    }
  }
};

export const duplicateEnvRules: ScopeRules = {
  rules: [
    rule(
      'duplicate-env',
      'reliability',
      'No environment variable is set twice in a container',
      'Remove the duplicate entry; the last one silently wins.',
    ),
  ],
  check: duplicateEnvCheck,
};
