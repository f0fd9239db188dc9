/**
 * Environment parity: the mirror (staging) has the same resources as the
 * environment it mirrors (prod), and their fields differ only where the
 * allow-list says environments may differ. Everything else is drift, reported
 * field by field with both values side by side.
 *
 * Before comparing, each side's own namespace and environment name are
 * replaced by placeholders: hivebox-staging vs hivebox-prod is the point of
 * having two environments, not drift.
 */
import type { Manifest } from '../../kube/manifest.ts';
import { groupKindOf, objectKey } from '../../kube/object.ts';
import { type PairRules, type Report, rule, type ScopeView } from '../check.ts';
import { isObject, namespaceOf } from '../workloads.ts';
import { BUDGET_RULE_NAME } from '../../constructs/budget-name.ts';
import { printFieldPath, type Segment } from '../../kube/field-path.ts';

/** One kind of difference environments are meant to have. */
interface AllowedDifference {
  /** What may differ, in words: the rule's fix, the README and the report say it (ALLOW_LIST_DESCRIPTION). */
  readonly what: string;
  /** Paths from the resource root; '*' matches any key or index, and a path allows everything beneath it. */
  readonly paths?: ReadonlyArray<readonly Segment[]>;
  /** Annotations whose key starts with one of these. */
  readonly annotationPrefixes?: readonly string[];
  /** Paths allowed in some resources only. */
  readonly inResource?: (manifest: Manifest, path: readonly Segment[]) => boolean;
}

/** The allow-list: where environments may differ. Anything else is drift. */
const ALLOWED: readonly AllowedDifference[] = [
  {
    what: 'replicas and autoscaling (bounds, behavior)',
    paths: [
      ['spec', 'replicas'],
      ['spec', 'minReplicas'],
      ['spec', 'maxReplicas'],
      ['spec', 'metrics'],
      ['spec', 'behavior'], // HorizontalPodAutoscaler scale-up/down policies follow the replica bounds
      ['spec', 'minAvailable'],
      ['spec', 'maxUnavailable'],
    ],
  },
  {
    what: 'container resources and LimitRange defaults',
    paths: [
      ['spec', 'template', 'spec', 'containers', '*', 'resources'],
      ['spec', 'template', 'spec', 'initContainers', '*', 'resources'],
      ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', '*', 'resources'],
      ['spec', 'limits'], // LimitRange defaults follow the container resources
    ],
  },
  {
    what: 'images (until promoted)',
    paths: [
      ['spec', 'template', 'spec', 'containers', '*', 'image'],
      ['spec', 'template', 'spec', 'initContainers', '*', 'image'],
      ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', '*', 'image'],
    ],
  },
  {
    // an HTTPRoute's hostnames, and the Gateway listener made for each environment's host
    what: 'hosts and TLS issuer',
    paths: [
      ['spec', 'hostnames'],
      ['spec', 'parentRefs', '*', 'sectionName'],
      ['spec', 'dnsNames'],
      ['spec', 'commonName'],
      ['spec', 'issuerRef'],
      ['metadata', 'annotations', 'cert-manager.io/cluster-issuer'],
      ['metadata', 'annotations', 'cert-manager.io/issuer'],
      ['metadata', 'annotations', 'external-dns.alpha.kubernetes.io/hostname'],
    ],
  },
  {
    what: 'storage sizes and classes',
    paths: [
      ['spec', 'volumeClaimTemplates', '*', 'spec', 'resources', 'requests', 'storage'],
      ['spec', 'volumeClaimTemplates', '*', 'spec', 'storageClassName'],
      ['spec', 'resources', 'requests', 'storage'],
      ['spec', 'storageClassName'],
    ],
  },
  { what: 'quota', paths: [['spec', 'hard']] },
  {
    // The budget PrometheusRule (env.yaml `budget`): its amounts, and so its alert expressions and texts, differ per
    // environment by design, like the quota. Whether the rule exists at all is still compared.
    what: 'budget amounts',
    inResource: (manifest, path) =>
      manifest.kind === 'PrometheusRule' &&
      manifest.metadata.name === BUDGET_RULE_NAME &&
      path[0] === 'spec' &&
      path[1] === 'groups' &&
      path[3] === 'rules' &&
      (path[5] === 'expr' || path[5] === 'annotations'),
  },
  {
    // who an alert pages: Argo CD notifications annotations, and PrometheusRule severity
    what: 'notification subscriptions and alert severity',
    annotationPrefixes: ['notifications.argoproj.io/subscribe'],
    paths: [['spec', 'groups', '*', 'rules', '*', 'labels', 'severity']],
  },
  {
    // the ConfigMap itself is compared
    what: 'the hash of a ConfigMap',
    paths: [
      ['spec', 'template', 'metadata', 'annotations', 'hivebox.dev/config-hash'],
      ['metadata', 'annotations', 'hivebox.dev/config-hash'],
    ],
  },
  {
    // its data outlives the StatefulSets, and Argo CD deletes the Namespace and StatefulSets only after a person confirms
    what: 'the deletion safeguards of a manually synced environment',
    paths: [
      ['spec', 'persistentVolumeClaimRetentionPolicy', 'whenDeleted'],
      ['metadata', 'annotations', 'argocd.argoproj.io/sync-options'],
    ],
  },
];

/** The allow-list in words: "a, b, … and z". */
export const ALLOW_LIST_DESCRIPTION = `${ALLOWED.slice(0, -1)
  .map((difference) => difference.what)
  .join(', ')} and ${ALLOWED.at(-1)!.what}`;

/** Whether the allow-list covers this path anywhere (manifest undefined) or in this manifest. */
function allowed(path: readonly Segment[], manifest?: Manifest): boolean {
  const annotation = path[0] === 'metadata' && path[1] === 'annotations' && typeof path[2] === 'string' ? path[2] : undefined;
  return ALLOWED.some(
    (difference) =>
      (annotation !== undefined && difference.annotationPrefixes?.some((prefix) => annotation.startsWith(prefix))) ||
      difference.paths?.some(
        (pattern) => pattern.length <= path.length && pattern.every((segment, i) => segment === '*' || segment === path[i]),
      ) ||
      (manifest !== undefined && difference.inResource?.(manifest, path)),
  );
}

function dominantNamespace(scope: Pick<ScopeView, 'byNamespace'>): string {
  let best = '';
  let count = 0;
  for (const [namespace, manifests] of scope.byNamespace) {
    if (namespace !== '' && manifests.length > count) [best, count] = [namespace, manifests.length];
  }
  return best;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A name where it stands as a whole token: alone, or as the first label of a dotted name (hivebox-dev.json,
 * dev.hivebox.example.com); never inside another name (hivebox-dev2, letsencrypt-staging, dev-tools), never as a
 * later label of a domain (the label domain hivebox.dev is no environment dev), and never as the first label of a
 * domain that a path follows (hivebox.dev/environment is no environment hivebox).
 */
export function wholeName(name: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9._-])${escapeRegExp(name)}(?=$|[^A-Za-z0-9._-]|\\.[A-Za-z0-9._-]*(?![A-Za-z0-9._/-]))`, 'g');
}

/** Replaces the scope's own namespace and environment name, as whole tokens; strings without them cost one scan. */
export function normalizer(scope: Pick<ScopeView, 'name' | 'byNamespace'>): (value: string) => string {
  const namespace = dominantNamespace(scope);
  const envName = wholeName(scope.name);
  const namespacePattern = namespace ? wholeName(namespace) : undefined;
  return (value) => {
    let out = value;
    if (namespacePattern && out.includes(namespace)) out = out.replace(namespacePattern, '<namespace>');
    if (out.includes(scope.name)) out = out.replace(envName, '<env>');
    return out;
  };
}

interface Difference {
  readonly path: Segment[];
  readonly mirror: unknown;
  readonly of: unknown;
}

type Normalize = (value: string) => string;

/** Normalized key → the key as written, for one object. */
function keysOf(object: Record<string, unknown>, normalize: Normalize): Map<string, string> {
  return new Map(Object.keys(object).map((key) => [normalize(key), key]));
}

function normalizeDeep(value: unknown, normalize: Normalize): unknown {
  if (typeof value === 'string') return normalize(value);
  if (Array.isArray(value)) return value.map((v) => normalizeDeep(v, normalize));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [normalize(k), normalizeDeep(v, normalize)]));
  return value;
}

function differences(mirror: unknown, of: unknown, path: Segment[], out: Difference[], nm: Normalize, no: Normalize): void {
  if (mirror === of || allowed(path)) return;
  if (isObject(mirror) && isObject(of)) {
    const mirrorKeys = keysOf(mirror, nm);
    const ofKeys = keysOf(of, no);
    for (const key of new Set([...mirrorKeys.keys(), ...ofKeys.keys()])) {
      const mk = mirrorKeys.get(key);
      const ok = ofKeys.get(key);
      differences(mk === undefined ? undefined : mirror[mk], ok === undefined ? undefined : of[ok], [...path, key], out, nm, no);
    }
    return;
  }
  if (Array.isArray(mirror) && Array.isArray(of) && mirror.length === of.length) {
    mirror.forEach((item, i) => differences(item, of[i], [...path, i], out, nm, no));
    return;
  }
  if (typeof mirror === 'string' && typeof of === 'string' && nm(mirror) === no(of)) return;
  const left = normalizeDeep(mirror, nm);
  const right = normalizeDeep(of, no);
  if (JSON.stringify(left) !== JSON.stringify(right)) out.push({ path, mirror: left, of: right });
}

const ABSENT = '(absent)';

/** Reports, on the mirror's side, every difference from `of` outside the allow-list. */
export function parityCheck(mirror: ScopeView, of: ScopeView, report: Report): void {
  const normalizeMirror = normalizer(mirror);
  const normalizeOf = normalizer(of);
  const keyOf = (manifest: Manifest, normalize: Normalize) =>
    objectKey({ ...groupKindOf(manifest), namespace: normalize(namespaceOf(manifest)), name: normalize(String(manifest.metadata.name)) });
  const ofByKey = new Map(of.manifests.map((m) => [keyOf(m, normalizeOf), m]));
  const seen = new Set<string>();
  for (const manifest of mirror.manifests) {
    const key = keyOf(manifest, normalizeMirror);
    seen.add(key);
    const counterpart = ofByKey.get(key);
    if (!counterpart) {
      report('parity', manifest, '', `${manifest.kind} ${manifest.metadata.name} exists in ${mirror.name} but not in ${of.name}`, {
        [mirror.name]: 'present',
        [of.name]: ABSENT,
      });
      continue;
    }
    const found: Difference[] = [];
    differences(manifest, counterpart, [], found, normalizeMirror, normalizeOf);
    for (const difference of found) {
      if (allowed(difference.path, manifest)) continue;
      const path = printFieldPath(difference.path);
      report('parity', manifest, path, `${path} differs from ${of.name}`, {
        [mirror.name]: difference.mirror ?? ABSENT,
        [of.name]: difference.of ?? ABSENT,
      });
    }
  }
  for (const manifest of of.manifests) {
    if (!seen.has(keyOf(manifest, normalizeOf))) {
      report('parity', manifest, '', `${manifest.kind} ${manifest.metadata.name} exists in ${of.name} but not in ${mirror.name}`, {
        [mirror.name]: ABSENT,
        [of.name]: 'present',
      });
    }
  }
}

export const parityRules: PairRules = {
  rules: [
    rule(
      'parity',
      'parity',
      'Staging mirrors prod: same resources, differing only in the allow-list',
      `Make the environments match, or move the difference into what environments may differ in: ${ALLOW_LIST_DESCRIPTION}.`,
    ),
  ],
  checkPair: parityCheck,
};
