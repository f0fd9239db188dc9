/**
 * The schema registry: checks one manifest, strictly, against the schema of
 * its kind and against the API lifecycle of the target Kubernetes version.
 *
 * Schemas are the vendored JSON under data/ (see generate.ts for where each
 * comes from). Each kind's validator is compiled by ajv on first use and
 * cached; valid manifests take the fast path (first error stops), and only an
 * invalid one is validated again to collect every error.
 */
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Manifest } from '../kube/manifest.ts';
import { jsonPointerSegments, printFieldPath } from '../kube/field-path.ts';
import { groupOf } from '../kube/object.ts';
import { cachePath, loadCached, storeCompiled } from './compiled-cache.ts';
import { kubernetesMinor, lifecycleOf } from './deprecations.ts';

export type SchemaViolationReason =
  'unknown-field' | 'missing-field' | 'invalid-value' | 'unknown-kind' | 'removed-api' | 'unavailable-api' | 'deprecated-api';

export interface SchemaViolation {
  /** Where in the manifest, e.g. spec.template.spec.containers[0].securityContext.privilegd ('' = the whole object). */
  readonly path: string;
  readonly reason: SchemaViolationReason;
  /** One line, naming the field and what was expected. */
  readonly message: string;
  /** Deprecated APIs still work (warning); everything else is rejected or ignored by the cluster (error). */
  readonly severity: 'error' | 'warning';
}

interface SchemaDocument {
  readonly $id: string;
  readonly source: string;
  readonly roots: Readonly<Record<string, string>>;
  readonly $defs: Readonly<Record<string, unknown>>;
}

/** API group → the data file whose schemas cover it; the rest is Kubernetes' own. */
const DOCUMENT_BY_GROUP: Readonly<Record<string, string>> = {
  'argoproj.io': 'argo-cd',
  'cert-manager.io': 'cert-manager',
  'monitoring.coreos.com': 'prometheus-operator',
  'external-secrets.io': 'external-secrets',
  'kyverno.io': 'kyverno',
  'gateway.networking.k8s.io': 'gateway-api',
  'gateway.envoyproxy.io': 'envoy-gateway',
};

interface Validators {
  readonly fast: ValidateFunction;
  all?: ValidateFunction;
}

const require = createRequire(import.meta.url);

class Registry {
  private compilers?: { readonly fast: Ajv; readonly full: Ajv };
  private readonly documents = new Map<string, SchemaDocument>();
  private readonly texts = new Map<string, string>();
  private readonly cache = new Map<string, Validators | null>();

  /**
   * The ajv instances, created (and ajv loaded) on the first compile: with every validator
   * cached and every manifest valid, a run never needs them.
   */
  private ajv(): { readonly fast: Ajv; readonly full: Ajv } {
    if (!this.compilers) {
      const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
      this.compilers = {
        // code.source lets a compiled fast validator be written out for the next run (compiled-cache.ts).
        fast: new AjvClass({
          strict: false,
          validateFormats: false,
          allErrors: false,
          inlineRefs: false,
          code: { source: true, optimize: false },
        }),
        full: new AjvClass({ strict: false, validateFormats: false, allErrors: true, inlineRefs: false, code: { optimize: false } }),
      };
      for (const document of this.documents.values()) this.addTo(this.compilers, document);
    }
    return this.compilers;
  }

  private addTo(compilers: { readonly fast: Ajv; readonly full: Ajv }, document: SchemaDocument): void {
    compilers.fast.addSchema(document as object);
    compilers.full.addSchema(document as object);
  }

  private document(id: string): SchemaDocument {
    let document = this.documents.get(id);
    if (!document) {
      if (id !== 'kubernetes') this.document('kubernetes'); // every CRD refers to its ObjectMeta
      document = JSON.parse(this.text(id)) as SchemaDocument;
      if (this.compilers) this.addTo(this.compilers, document);
      this.documents.set(id, document);
    }
    return document;
  }

  private text(id: string): string {
    let text = this.texts.get(id);
    if (text === undefined) this.texts.set(id, (text = readFileSync(new URL(`./data/${id}.json`, import.meta.url), 'utf8')));
    return text;
  }

  /** The validators for apiVersion/kind, or null when no schema covers it. */
  lookup(apiVersion: string, kind: string): Validators | null {
    const key = `${apiVersion}/${kind}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const id = DOCUMENT_BY_GROUP[groupOf(apiVersion)] ?? 'kubernetes';
    // The compiled validator depends on the CRD's document and on the Kubernetes one it refers to.
    const file = cachePath(id === 'kubernetes' ? this.text(id) : this.text('kubernetes') + this.text(id), key);
    const cachedFast = loadCached(file);
    if (cachedFast) {
      const validators = { fast: cachedFast };
      this.cache.set(key, validators);
      return validators;
    }
    const document = this.document(id);
    const root = document.roots[key];
    const validators = root ? { fast: this.ajv().fast.compile({ $ref: `${document.$id}#/$defs/${encodeURIComponent(root)}` }) } : null;
    if (validators) storeCompiled(this.ajv().fast, validators.fast, file);
    this.cache.set(key, validators);
    return validators;
  }

  full(validators: Validators, apiVersion: string, kind: string): ValidateFunction {
    if (!validators.all) {
      const document = this.document(DOCUMENT_BY_GROUP[groupOf(apiVersion)] ?? 'kubernetes');
      validators.all = this.ajv().full.compile({
        $ref: `${document.$id}#/$defs/${encodeURIComponent(document.roots[`${apiVersion}/${kind}`]!)}`,
      });
    }
    return validators.all;
  }

  /** The apiVersions of the same group that do have a schema for `kind`. */
  otherVersions(apiVersion: string, kind: string): string[] {
    const group = groupOf(apiVersion);
    const document = this.document(DOCUMENT_BY_GROUP[group] ?? 'kubernetes');
    return Object.keys(document.roots)
      .filter((key) => key.endsWith(`/${kind}`))
      .map((key) => key.slice(0, -kind.length - 1))
      .filter((other) => groupOf(other) === group);
  }

  /** Every apiVersion/kind with a schema, and where the schema came from. */
  kinds(): Array<{ apiVersion: string; kind: string; source: string }> {
    return ['kubernetes', ...Object.values(DOCUMENT_BY_GROUP)].flatMap((id) => {
      const document = this.document(id);
      return Object.keys(document.roots).map((key) => {
        const slash = key.lastIndexOf('/');
        return { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1), source: document.source };
      });
    });
  }
}

let registry: Registry | undefined;
const getRegistry = (): Registry => (registry ??= new Registry());

/**
 * Checks one manifest against its kind's schema (unknown fields are
 * violations) and the API lifecycle of `kubernetesVersion` ("1.31").
 * Returns [] when the manifest is valid.
 */
export function validateSchema(manifest: Manifest, kubernetesVersion: string): SchemaViolation[] {
  const apiVersion = typeof manifest.apiVersion === 'string' ? manifest.apiVersion : '';
  const kind = typeof manifest.kind === 'string' ? manifest.kind : '';
  if (!apiVersion || !kind) {
    return [
      violation(
        '',
        'missing-field',
        `a Kubernetes object needs apiVersion and kind (got apiVersion ${JSON.stringify(manifest.apiVersion)}, kind ${JSON.stringify(manifest.kind)})`,
      ),
    ];
  }
  const violations = lifecycleViolations(apiVersion, kind, kubernetesMinor(kubernetesVersion));
  // The schema allows generateName instead, but a manifest applied from Git needs its name.
  const metadata = (manifest as { metadata?: { name?: unknown } }).metadata;
  if (typeof metadata?.name !== 'string' || metadata.name === '')
    violations.push(violation('metadata.name', 'missing-field', 'missing required field metadata.name'));
  if (violations.some((v) => v.reason === 'removed-api')) return violations;

  const reg = getRegistry();
  const validators = reg.lookup(apiVersion, kind);
  if (!validators) {
    if (violations.length === 0) {
      const other = reg.otherVersions(apiVersion, kind);
      const hint =
        other.length > 0 ? `; the known versions of ${kind} are ${other.join(', ')}` : ` (known CRD groups: ${KNOWN_CRD_GROUPS})`;
      violations.push(
        violation(
          'apiVersion',
          'unknown-kind',
          `no schema for ${kind} in ${apiVersion}: not a Kubernetes API or a known CRD version${hint}`,
        ),
      );
    }
    return violations;
  }
  if (validators.fast(manifest)) return violations;
  const full = reg.full(validators, apiVersion, kind);
  full(manifest);
  return [...violations, ...describe(full.errors ?? [])];
}

/** Every apiVersion/kind the registry has a schema for, with its source. */
export function knownKinds(): Array<{ apiVersion: string; kind: string; source: string }> {
  return getRegistry().kinds();
}

const KNOWN_CRD_GROUPS = Object.keys(DOCUMENT_BY_GROUP).join(', ');

function lifecycleViolations(apiVersion: string, kind: string, minor: number): SchemaViolation[] {
  const lifecycle = lifecycleOf(apiVersion, kind);
  if (!lifecycle) return [];
  const instead = lifecycle.replacement ? `; use ${lifecycle.replacement}` : '';
  if (lifecycle.removedIn !== undefined && minor >= lifecycle.removedIn) {
    return [
      violation(
        'apiVersion',
        'removed-api',
        `${apiVersion} ${kind} was removed in Kubernetes 1.${lifecycle.removedIn} (target 1.${minor})${instead}`,
      ),
    ];
  }
  if (lifecycle.introducedIn !== undefined && minor < lifecycle.introducedIn) {
    return [
      violation(
        'apiVersion',
        'unavailable-api',
        `${apiVersion} ${kind} is served from Kubernetes 1.${lifecycle.introducedIn} on (target 1.${minor})`,
      ),
    ];
  }
  if (lifecycle.deprecatedIn !== undefined && minor >= lifecycle.deprecatedIn) {
    const removal = lifecycle.removedIn === undefined ? '' : `, removed in 1.${lifecycle.removedIn}`;
    return [
      {
        ...violation(
          'apiVersion',
          'deprecated-api',
          `${apiVersion} ${kind} is deprecated since Kubernetes 1.${lifecycle.deprecatedIn}${removal}${instead}`,
        ),
        severity: 'warning',
      },
    ];
  }
  return [];
}

function violation(path: string, reason: SchemaViolationReason, message: string): SchemaViolation {
  return { path, reason, message, severity: 'error' };
}

/** ajv's "/spec/containers/0/image" → "spec.containers[0].image". */
export function fieldPath(pointer: string, child?: string): string {
  return printFieldPath([...jsonPointerSegments(pointer), ...(child !== undefined ? [child] : [])]);
}

function describe(errors: readonly ErrorObject[]): SchemaViolation[] {
  const failedAnyOf = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  for (const error of errors) {
    // The branches of a failed anyOf only say why each alternative did not fit: the anyOf error says it once.
    if (error.schemaPath.includes('/anyOf/') && failedAnyOf.has(error.instancePath)) continue;
    const v = describeOne(error);
    const key = `${v.path}\u0000${v.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}

function describeOne(error: ErrorObject): SchemaViolation {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const path = fieldPath(error.instancePath, String(params.additionalProperty));
      return violation(
        path,
        'unknown-field',
        `unknown field ${path}: the schema has no such field (a typo, or a field of another API version?)`,
      );
    }
    case 'required': {
      const path = fieldPath(error.instancePath, String(params.missingProperty));
      return violation(path, 'missing-field', `missing required field ${path}`);
    }
    case 'type':
      return violation(
        fieldPath(error.instancePath),
        'invalid-value',
        `${fieldPath(error.instancePath) || 'the object'}: expected ${String(params.type).replace(',', ' or ')}`,
      );
    case 'enum':
      return violation(
        fieldPath(error.instancePath),
        'invalid-value',
        `${fieldPath(error.instancePath)}: expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      );
    default:
      return violation(
        fieldPath(error.instancePath),
        'invalid-value',
        `${fieldPath(error.instancePath) || 'the object'}: ${error.message ?? error.keyword}`,
      );
  }
}
