/**
 * Regenerates the vendored JSON schemas under src/schemas/data/ (a maintainer's
 * tool, not part of any command): `npx tsx src/schemas/generate.ts`.
 *
 * Sources:
 * - Every CRD comes from its project's release tag (CRD_FILE_SOURCES in
 *   sources.ts, read by crd-files.ts), converted from each served version's
 *   openAPIV3Schema (crd-schema.ts).
 * - The Kubernetes core API comes from @kubernetes/client-node (the installed
 *   dependency; its models are generated from the Kubernetes OpenAPI of the
 *   version in its README), classes V1Deployment etc. The TypeScript checker
 *   reads their declarations and this turns each type into JSON Schema: every
 *   object closes (`additionalProperties: false`) unless the type is an open
 *   map (`{[key: string]: T}`) or free-form (`{}`/`any`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { releaseCrds } from './crd-files.ts';
import { crdVersions } from './crd-schema.ts';
import { CORE_KINDS, CRD_FILE_SOURCES, type CrdFileSource, type RootKind } from './sources.ts';
import { SCHEMA_KUBERNETES_VERSION } from './coverage.ts';

type JsonSchema = Record<string, unknown>;

const here = dirname(fileURLToPath(import.meta.url));
/** Identifiers only (never fetched): they let one document refer to another's ObjectMeta. */
export const SCHEMA_BASE = 'https://schemas.hivebox.dev/';
const require = createRequire(import.meta.url);

/** Fields whose values are Kubernetes quantities: YAML may write them as numbers (cpu: 1). */
const QUANTITY_MAPS = new Set([
  'limits',
  'requests',
  'hard',
  'capacity',
  'allocatable',
  'overhead',
  'default',
  'defaultRequest',
  'max',
  'min',
  'maxLimitRequestRatio',
  'used',
  'allocatedResources',
]);
const QUANTITY_FIELDS = new Set(['sizeLimit', 'storage']);

class Converter {
  readonly defs: Record<string, JsonSchema> = {};
  private readonly named = new Map<ts.Type, string>();

  constructor(
    private readonly checker: ts.TypeChecker,
    /** The JSON name of a declared property, where it differs (client-node writes `from` as `_from`). */
    private readonly jsonName: (typeName: string, property: string) => string,
  ) {}

  convert(type: ts.Type, typeNode: ts.TypeNode | undefined, propertyName: string | undefined): JsonSchema {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {}; // free-form (client-node's `any`: JSON, RawExtension)
    if (type.flags & ts.TypeFlags.StringLike) {
      if (type.isStringLiteral()) return { type: 'string', enum: [type.value] };
      return QUANTITY_FIELDS.has(propertyName ?? '') ? { type: ['string', 'number'] } : { type: 'string' };
    }
    if (type.flags & ts.TypeFlags.NumberLike) return { type: 'number' };
    if (type.flags & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
    if (type.isUnion()) return this.union(type, typeNode, propertyName);
    if (this.checker.isArrayType(type)) {
      const [element] = this.checker.getTypeArguments(type as ts.TypeReference);
      const elementNode =
        typeNode && ts.isArrayTypeNode(typeNode)
          ? typeNode.elementType
          : typeNode && ts.isTypeReferenceNode(typeNode)
            ? typeNode.typeArguments?.[0]
            : undefined;
      return { type: 'array', items: element ? this.convert(element, elementNode, undefined) : {} };
    }
    const symbolName = type.getSymbol()?.getName();
    if (symbolName === 'Date' || symbolName === 'V1MicroTime') return { type: 'string' };
    if (type.flags & ts.TypeFlags.Object) return this.object(type, propertyName);
    return {};
  }

  private union(type: ts.UnionType, typeNode: ts.TypeNode | undefined, propertyName: string | undefined): JsonSchema {
    const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
    if (members.length === 1) return this.convert(members[0]!, typeNode, propertyName);
    if (members.every((t) => t.flags & ts.TypeFlags.BooleanLike)) return { type: 'boolean' };
    if (members.every((t) => t.isStringLiteral()))
      return { type: 'string', enum: members.map((t) => (t as ts.StringLiteralType).value).sort() };
    const kinds = new Set(
      members.map((t) => (t.flags & ts.TypeFlags.StringLike ? 'string' : t.flags & ts.TypeFlags.NumberLike ? 'number' : 'other')),
    );
    if (!kinds.has('other')) return { type: [...kinds].sort() }; // IntOrString
    return { anyOf: members.map((t) => this.convert(t, undefined, propertyName)) };
  }

  private object(type: ts.Type, propertyName: string | undefined): JsonSchema {
    const symbol = type.getSymbol() ?? type.aliasSymbol;
    const isNamed = symbol !== undefined && symbol.getName() !== '__type' && symbol.getName() !== '__object';
    if (!isNamed) return this.structure(type, propertyName);
    const existing = this.named.get(type);
    if (existing) return { $ref: `#/$defs/${existing}` };
    const name = this.uniqueName(symbol.getName().replace(/^I(?=[A-Z])/, ''));
    this.named.set(type, name);
    this.defs[name] = {}; // placeholder: recursive types refer to it while it is built
    this.defs[name] = this.structure(type, propertyName);
    return { $ref: `#/$defs/${name}` };
  }

  private uniqueName(base: string): string {
    let name = base;
    for (let i = 2; name in this.defs; i++) name = `${base}${i}`;
    return name;
  }

  private structure(type: ts.Type, propertyName: string | undefined): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      if (!declaration || !(ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration))) continue;
      if (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Static) continue;
      const propertyType = this.checker.getTypeOfSymbolAtLocation(property, declaration);
      const name = this.jsonName(type.getSymbol()?.getName() ?? '', property.getName());
      properties[name] = this.convert(propertyType, declaration.type, name);
      if (!(property.flags & ts.SymbolFlags.Optional)) required.push(name);
    }
    const index = this.checker.getIndexInfoOfType(type, ts.IndexKind.String);
    if (Object.keys(properties).length === 0 && !index) return { type: 'object' }; // free-form
    const schema: JsonSchema = { type: 'object' };
    if (Object.keys(properties).length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    if (index) {
      const value = this.convert(index.type, index.declaration?.type, undefined);
      schema.additionalProperties =
        QUANTITY_MAPS.has(propertyName ?? '') && value.type === 'string' ? { type: ['string', 'number'] } : value;
    } else {
      schema.additionalProperties = false;
    }
    return schema;
  }
}

function exportedType(program: ts.Program, file: string, name: string): ts.Type {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const symbol = checker.getSymbolAtLocation(source);
  const exported = symbol && checker.getExportsOfModule(symbol).find((s) => s.getName() === name);
  if (!exported) throw new Error(`${file} exports no ${name}`);
  const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  return checker.getDeclaredTypeOfSymbol(target);
}

interface Document {
  readonly $id: string;
  readonly source: string;
  readonly roots: Record<string, string>;
  readonly $defs: Record<string, JsonSchema>;
}

/** The Kubernetes document: each core kind's client-node model, converted. */
function kubernetesDocument(
  source: string,
  files: Map<RootKind, string>,
  jsonName: (typeName: string, property: string) => string,
): Document {
  const program = ts.createProgram([...new Set(files.values())], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const converter = new Converter(program.getTypeChecker(), jsonName);
  const roots: Record<string, string> = {};
  for (const [root, file] of files) {
    const ref = converter.convert(exportedType(program, file, root.typeName), undefined, undefined);
    const defName = String(ref.$ref).replace('#/$defs/', '');
    const body = converter.defs[defName]!;
    const properties = { ...(body.properties as Record<string, JsonSchema>) };
    properties.apiVersion = { type: 'string', enum: [root.apiVersion] };
    properties.kind = { type: 'string', enum: [root.kind] };
    properties.metadata = { $ref: '#/$defs/V1ObjectMeta' };
    // Status is written by controllers, never by this repository: any shape passes.
    if ('status' in properties) properties.status = { type: 'object' };
    const key = `${root.apiVersion}/${root.kind}`;
    const rootName = `root:${key.replaceAll('/', '.')}`;
    converter.defs[rootName] = {
      ...body,
      properties,
      required: [
        'apiVersion',
        'kind',
        'metadata',
        ...((body.required as string[] | undefined) ?? []).filter((r) => !['apiVersion', 'kind', 'metadata'].includes(r)),
      ],
    };
    roots[key] = rootName;
  }
  return { $id: `${SCHEMA_BASE}kubernetes.json`, source, roots, $defs: reachable(converter.defs, Object.values(roots)) };
}

/** Drops definitions no root reaches (status types, once status is free-form). */
function reachable(defs: Record<string, JsonSchema>, roots: readonly string[]): Record<string, JsonSchema> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    JSON.stringify(defs[name], (key, value: unknown) => {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/')) visit(decodeURIComponent(value.slice(8)));
      return value;
    });
  };
  roots.forEach(visit);
  return Object.fromEntries(
    Object.keys(defs)
      .sort()
      .filter((name) => seen.has(name))
      .map((name) => [name, defs[name]!]),
  );
}

function write(document: Document): void {
  const file = join(here, 'data', document.$id.slice(SCHEMA_BASE.length));
  writeFileSync(file, `${JSON.stringify(document)}\n`);
  console.log(`${file}: ${Object.keys(document.roots).length} kinds, ${Object.keys(document.$defs).length} definitions`);
}

/** client-node renames JSON fields that are reserved words (from → _from); its attributeTypeMap has the JSON names. */
async function clientNodeJsonNames(): Promise<(typeName: string, property: string) => string> {
  const models = (await import('@kubernetes/client-node')) as unknown as Record<
    string,
    { attributeTypeMap?: Array<{ name: string; baseName: string }> } | undefined
  >;
  return (typeName, property) => models[typeName]?.attributeTypeMap?.find((a) => a.name === property)?.baseName ?? property;
}

async function crdFileDocument(source: CrdFileSource): Promise<Document> {
  const defs: Record<string, JsonSchema> = {};
  const roots: Record<string, string> = {};
  for (const crd of await releaseCrds(source)) {
    for (const version of crdVersions(crd)) {
      const key = `${version.apiVersion}/${version.kind}`;
      const rootName = `root:${key.replaceAll('/', '.')}`;
      const properties: Record<string, JsonSchema> = {
        apiVersion: { type: 'string', enum: [version.apiVersion] },
        kind: { type: 'string', enum: [version.kind] },
        metadata: { $ref: 'kubernetes.json#/$defs/V1ObjectMeta' },
        // Status is written by controllers, never by this repository: any shape passes.
        status: { type: 'object' },
        ...version.properties,
      };
      defs[rootName] = {
        type: 'object',
        properties,
        required: ['apiVersion', 'kind', 'metadata', ...version.required],
        additionalProperties: false,
      };
      roots[key] = rootName;
    }
  }
  const sortedRoots = Object.fromEntries(
    Object.keys(roots)
      .sort()
      .map((key) => [key, roots[key]!]),
  );
  return {
    $id: `${SCHEMA_BASE}${source.id}.json`,
    source: source.description,
    roots: sortedRoots,
    $defs: reachable(defs, Object.values(sortedRoots)),
  };
}

async function main(): Promise<void> {
  for (const source of CRD_FILE_SOURCES) write(await crdFileDocument(source));

  const clientNode = dirname(require.resolve('@kubernetes/client-node/package.json'));
  const clientVersion = (JSON.parse(readFileSync(join(clientNode, 'package.json'), 'utf8')) as { version: string }).version;
  const coreFiles = new Map(CORE_KINDS.map((root) => [root, join(clientNode, 'dist', 'gen', 'models', `${root.typeName}.d.ts`)] as const));
  write(
    kubernetesDocument(
      `@kubernetes/client-node@${clientVersion} models (Kubernetes ${SCHEMA_KUBERNETES_VERSION} OpenAPI)`,
      coreFiles,
      await clientNodeJsonNames(),
    ),
  );
}

await main();
