/**
 * Turns Kubernetes OpenAPI definitions and CRD schemas into the standalone strict JSON schemas kubeconform
 * reads: the layout of yannh/kubernetes-json-schema (made there by openapi2jsonschema), rebuilt offline.
 * Pure functions, no I/O.
 */

export type Schema = { [keyword: string]: unknown };

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = [{ type: 'string' }, { type: 'integer' }];
// The API server accepts quantities as `100m`, `1` and `0.5`.
const STRING_OR_NUMBER = [{ type: 'string' }, { type: 'number' }];

/** kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json`: only the group's first dot-segment is kept. */
export function schemaFileName(kind: string, group: string, version: string): string {
  const suffix = group === '' ? `-${version}` : `-${group.split('.')[0]}-${version}`;
  return `${kind}${suffix}.json`.toLowerCase();
}

/**
 * One standalone strict schema per group/version/kind of a Kubernetes swagger.json (OpenAPI v2), keyed by
 * file name, e.g. `deployment-apps-v1.json`.
 */
export function coreSchemasFromSwagger(swagger: object): Map<string, Schema> {
  const definitions = (swagger as { definitions?: Record<string, Schema> }).definitions;
  if (!isSchema(definitions)) throw new Error('swagger.json has no `definitions`: is this an OpenAPI v2 document?');

  // Expanding each definition once and sharing the result keeps a 300-file version under a second; only
  // expansions that had to cut a recursion depend on where they sit, so only those are not shared.
  const expanded = new Map<string, Schema>();
  let cuts = 0;

  const expand = (name: string, path: readonly string[]): Schema => {
    const done = expanded.get(name);
    if (done) return done;
    // A recursive type (JSONSchemaProps) cannot be inlined into itself: accept anything below that point.
    if (path.includes(name)) {
      cuts++;
      return {};
    }
    const definition = definitions[name];
    if (!isSchema(definition)) throw new Error(`swagger.json: $ref to missing definition ${name}`);
    const cutsBefore = cuts;
    const result = name === QUANTITY
      ? { description: definition.description, oneOf: STRING_OR_NUMBER }
      : convert(definition, [...path, name]);
    if (cuts === cutsBefore) expanded.set(name, result);
    return result;
  };

  const convert = (node: Schema, path: readonly string[]): Schema => {
    if (typeof node.$ref === 'string') {
      const { $ref, ...siblings } = node;
      // The field's own description is more useful than the referenced type's.
      return { ...expand($ref.replace(/^#\/definitions\//, ''), path), ...siblings };
    }
    if (node.format === 'int-or-string') {
      const { format, type, ...rest } = node;
      return { ...rest, oneOf: INT_OR_STRING };
    }
    return strict(mapSubschemas(node, (child) => convert(child, path)));
  };

  const files = new Map<string, { definition: string; apiVersions: string[]; kinds: string[] }>();
  for (const [name, definition] of Object.entries(definitions)) {
    for (const gvk of groupVersionKinds(definition)) {
      const file = schemaFileName(gvk.kind, gvk.group, gvk.version);
      const entry = files.get(file) ?? { definition: name, apiVersions: [], kinds: [] };
      if (entry.definition !== name) {
        throw new Error(`${file} would hold both ${entry.definition} and ${name}: kubeconform cannot tell them apart`);
      }
      entry.apiVersions.push(apiVersionOf(gvk.group, gvk.version));
      entry.kinds.push(gvk.kind);
      files.set(file, entry);
    }
  }

  const schemas = new Map<string, Schema>();
  for (const [file, { definition, apiVersions, kinds }] of files) {
    schemas.set(file, withIdentity(expand(definition, []), apiVersions, kinds));
  }
  return schemas;
}

/**
 * One strict schema per served version of a CustomResourceDefinition, keyed by file name, e.g.
 * `servicemonitor-monitoring-v1.json`. Returns an empty map for documents that are not CRDs.
 */
export function crdSchemas(crdDoc: object): Map<string, Schema> {
  const crd = crdDoc as {
    kind?: unknown;
    metadata?: { name?: unknown };
    spec?: { group?: unknown; names?: { kind?: unknown }; versions?: unknown };
  };
  const schemas = new Map<string, Schema>();
  if (crd.kind !== 'CustomResourceDefinition') return schemas;
  const group = crd.spec?.group;
  const kind = crd.spec?.names?.kind;
  const versions = crd.spec?.versions;
  if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(versions)) {
    throw new Error(`CRD ${String(crd.metadata?.name)}: spec.group, spec.names.kind and spec.versions are required`);
  }
  for (const version of versions as { name: string; served?: boolean; schema?: { openAPIV3Schema?: Schema } }[]) {
    const schema = version.schema?.openAPIV3Schema;
    // The API server refuses objects of an unserved version, so a schema for one would only hide that.
    if (!isSchema(schema) || version.served === false) continue;
    schemas.set(schemaFileName(kind, group, version.name), withIdentity(convertCrd(schema), [`${group}/${version.name}`], [kind]));
  }
  return schemas;
}

function convertCrd(node: Schema): Schema {
  if (node['x-kubernetes-int-or-string'] === true) {
    // CRDs spell it `anyOf: [integer, string]` plus the marker; keep pattern/description, which only touch strings.
    const { anyOf, type, 'x-kubernetes-int-or-string': _, ...rest } = node;
    return { ...rest, oneOf: INT_OR_STRING };
  }
  const converted = strict(mapSubschemas(node, convertCrd));
  return node.nullable === true ? allowNull(converted) : converted;
}

/**
 * Closes objects that list their properties, and lets optional properties be null. Null for an optional
 * field is what the API server accepts too: Go decodes it as "unset", and CRD pruning drops it.
 */
function strict(node: Schema): Schema {
  if (!isSchema(node.properties)) return node;
  const closed = node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true;
  const required = new Set(Array.isArray(node.required) ? node.required : []);
  const properties = Object.fromEntries(
    Object.entries(node.properties).map(([key, value]) => [key, required.has(key) ? value : allowNull(value as Schema)]),
  );
  return { ...node, properties, ...(closed ? { additionalProperties: false } : {}) };
}

function allowNull(node: Schema): Schema {
  const addNull = (list: unknown[], item: unknown) => (list.includes(item) ? list : [...list, item]);
  if (typeof node.type === 'string' || Array.isArray(node.type)) {
    const type = addNull([node.type].flat(), 'null');
    return Array.isArray(node.enum) ? { ...node, type, enum: addNull(node.enum, null) } : { ...node, type };
  }
  // Only a plain type choice (int-or-string, quantity) can take a null branch without breaking `oneOf`.
  if (Array.isArray(node.oneOf) && node.oneOf.every((branch) => isSchema(branch) && Object.keys(branch).join() === 'type')) {
    return { ...node, oneOf: node.oneOf.some((b) => (b as Schema).type === 'null') ? node.oneOf : [...node.oneOf, { type: 'null' }] };
  }
  return node; // no type constraint: null already passes
}

/** A copy of `node` with every direct subschema replaced by `f(subschema)`; property names are never read as keywords. */
function mapSubschemas(node: Schema, f: (child: Schema) => Schema): Schema {
  const out: Schema = { ...node };
  const mapValues = (o: Schema) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, isSchema(v) ? f(v) : v]));
  for (const keyword of ['properties', 'patternProperties']) {
    if (isSchema(node[keyword])) out[keyword] = mapValues(node[keyword] as Schema);
  }
  for (const keyword of ['additionalProperties', 'not', 'items', 'additionalItems']) {
    const value = node[keyword];
    if (isSchema(value)) out[keyword] = f(value);
    else if (Array.isArray(value)) out[keyword] = value.map((v) => (isSchema(v) ? f(v) : v));
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const value = node[keyword];
    if (Array.isArray(value)) out[keyword] = value.map((v) => (isSchema(v) ? f(v) : v));
  }
  return out;
}

/**
 * Pins apiVersion and kind: kubeconform picks a file by kind and only the first segment of the group, so
 * without this `apps.example.com/v1` Deployment would validate against `apps/v1`.
 */
function withIdentity(schema: Schema, apiVersions: string[], kinds: string[]): Schema {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const pin = (name: string, values: string[]) => ({ ...(properties[name] as Schema | undefined), type: 'string', enum: [...new Set(values)] });
  return {
    ...schema,
    properties: { ...properties, apiVersion: pin('apiVersion', apiVersions), kind: pin('kind', kinds) },
  };
}

function groupVersionKinds(definition: Schema): { group: string; version: string; kind: string }[] {
  const list = definition['x-kubernetes-group-version-kind'];
  return Array.isArray(list) ? list : [];
}

function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
