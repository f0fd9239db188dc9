/**
 * JSON Schema straight from a CRD's own openAPIV3Schema, for every CRD validate
 * knows (CRD_FILE_SOURCES in sources.ts: each read from its project's release
 * tag). Read by src/schemas/generate.ts only.
 *
 * Structural schemas are JSON Schema already; this keeps what the API server
 * enforces on the fields this repository writes and closes objects as pruning
 * would (an unknown field is dropped by the API server, so it is an error here):
 * - an object with properties closes (additionalProperties: false), one with
 *   additionalProperties is a map, one with neither or with
 *   x-kubernetes-preserve-unknown-fields is free-form;
 * - x-kubernetes-int-or-string is a number or a string;
 * - enum, pattern (when JavaScript's unicode RegExp reads it as RE2 does),
 *   lengths, bounds and required stay; descriptions, defaults, CEL rules
 *   (x-kubernetes-validations) and oneOf/anyOf shapes go: the first two change
 *   nothing, the last ones this does not replay (the cluster still does).
 */
type JsonSchema = Record<string, unknown>;

const KEPT = ['enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'format'] as const;

export function convertOpenApi(schema: JsonSchema): JsonSchema {
  if (schema['x-kubernetes-int-or-string'] === true) return { type: ['number', 'string'] };
  if (schema['x-kubernetes-preserve-unknown-fields'] === true && schema.properties === undefined) return {};
  const out: JsonSchema = {};
  const type = schema.type as string | undefined;
  if (type !== undefined) out.type = schema.nullable === true ? [type, 'null'] : type;
  for (const key of KEPT) {
    if (schema[key] === undefined) continue;
    if (key === 'pattern' && !readable(String(schema.pattern))) continue;
    if (key === 'format') continue; // validate does not check formats (ajv validateFormats: false)
    out[key] = schema[key];
  }
  if (type === 'array' && schema.items) out.items = convertOpenApi(schema.items as JsonSchema);
  if (type === 'object') {
    const properties = schema.properties as Record<string, JsonSchema> | undefined;
    if (properties) {
      out.properties = Object.fromEntries(
        Object.keys(properties)
          .sort()
          .map((name) => [name, convertOpenApi(properties[name]!)]),
      );
      if (Array.isArray(schema.required) && schema.required.length > 0) out.required = [...(schema.required as string[])];
      out.additionalProperties = schema['x-kubernetes-preserve-unknown-fields'] === true;
    } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      out.additionalProperties = convertOpenApi(schema.additionalProperties as JsonSchema);
    }
  }
  return out;
}

/** RE2 patterns JavaScript cannot compile the same way (a (?i) flag, say) are left to the API server. */
function readable(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

export interface CrdVersionSchema {
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * The converted top-level fields but apiVersion, kind, metadata and status: spec, and any other
   * (an Argo CD Application's operation).
   */
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required: readonly string[];
}

/** The fields every object has, or that only controllers write: the generator fills them in itself. */
const OWN_FIELDS = ['apiVersion', 'kind', 'metadata', 'status'];

/** Every served version of a CRD document (parsed YAML), converted. */
export function crdVersions(crd: JsonSchema): CrdVersionSchema[] {
  const spec = crd.spec as {
    group: string;
    names: { kind: string };
    versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema?: JsonSchema } }>;
  };
  return spec.versions
    .filter((version) => version.served)
    .map((version) => {
      const root = version.schema?.openAPIV3Schema ?? {};
      const properties = (root.properties ?? {}) as Record<string, JsonSchema>;
      const fields = Object.keys(properties)
        .filter((name) => !OWN_FIELDS.includes(name))
        .sort();
      return {
        apiVersion: `${spec.group}/${version.name}`,
        kind: spec.names.kind,
        properties: Object.fromEntries(fields.map((name) => [name, convertOpenApi(properties[name]!)])),
        required: ((root.required as string[] | undefined) ?? []).filter((r) => !OWN_FIELDS.includes(r)),
      };
    });
}
