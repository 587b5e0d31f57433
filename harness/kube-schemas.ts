// Generates kubeconform's schemas offline from a Kubernetes OpenAPI v2 document (the
// `api/openapi-spec/swagger.json` of the k8s.io/kubernetes module): one standalone JSON Schema
// per kind (every $ref inlined) in its strict form (objects reject unknown fields), named
// `<kind>-<group>-<version>.json` as kubeconform's schema-location template below expects.
//   node harness/kube-schemas.ts <swagger.json> <out-dir>
// scripts/install-k8s-tools.sh runs it once per Kubernetes version.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** kubeconform `-schema-location` for a folder this module filled. */
export function schemaLocation(dir: string): string {
  return `${dir}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
}

type Schema = Record<string, unknown>;
interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

const REF_PREFIX = '#/definitions/';
// Types whose OpenAPI form is narrower than what manifests hold (YAML numbers for quantities,
// ports given by name or number).
const REPLACED: Readonly<Record<string, Schema>> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
    oneOf: [{ type: 'string' }, { type: 'integer' }],
  },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': {
    oneOf: [{ type: 'string' }, { type: 'number' }],
  },
};

/** The definition `name` with every reference inlined; a recursive one becomes `{}`. */
function inline(
  definitions: Readonly<Record<string, Schema>>,
  value: unknown,
  stack: string[],
): unknown {
  if (Array.isArray(value)) return value.map((item) => inline(definitions, item, stack));
  if (value === null || typeof value !== 'object') return value;
  const schema = value as Schema;
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) {
    const name = ref.slice(REF_PREFIX.length);
    const replaced = REPLACED[name];
    if (replaced !== undefined) return replaced;
    // JSONSchemaProps refers to itself: accept anything below the first level.
    if (stack.includes(name)) return {};
    const target = definitions[name];
    if (target === undefined) throw new Error(`unknown reference ${ref}`);
    const rest = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$ref'));
    return { ...(inline(definitions, target, [...stack, name]) as Schema), ...rest };
  }
  const out: Schema = {};
  for (const [key, item] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-')) continue;
    out[key] =
      key === 'properties'
        ? inlineEach(definitions, item, stack)
        : inline(definitions, item, stack);
  }
  // Strict: an object with known properties rejects the others (typos, wrong nesting).
  if (out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function inlineEach(
  definitions: Readonly<Record<string, Schema>>,
  properties: unknown,
  stack: string[],
): Schema {
  const out: Schema = {};
  for (const [name, item] of Object.entries(properties as Schema))
    out[name] = inline(definitions, item, stack);
  return out;
}

/** Writes one file per kind; returns how many. */
export function generateSchemas(swaggerFile: string, outDir: string): number {
  const swagger = JSON.parse(readFileSync(swaggerFile, 'utf8')) as {
    definitions: Record<string, Schema>;
  };
  const definitions = swagger.definitions;
  mkdirSync(outDir, { recursive: true });
  let count = 0;
  for (const [name, definition] of Object.entries(definitions)) {
    const kinds = definition['x-kubernetes-group-version-kind'] as GroupVersionKind[] | undefined;
    if (kinds?.length !== 1) continue; // none: not a kind; several: option types (DeleteOptions…)
    const [gvk] = kinds as [GroupVersionKind];
    const schema = inline(definitions, definition, [name]) as Schema;
    const group = gvk.group === '' ? '' : `-${gvk.group.split('.')[0] ?? ''}`;
    const file = `${gvk.kind.toLowerCase()}${group}-${gvk.version}.json`;
    writeFileSync(
      join(outDir, file),
      JSON.stringify({ $schema: 'http://json-schema.org/schema#', ...schema }),
    );
    count += 1;
  }
  return count;
}

if (import.meta.main) {
  const [swaggerFile, outDir] = process.argv.slice(2);
  if (swaggerFile === undefined || outDir === undefined) {
    process.stderr.write('usage: node harness/kube-schemas.ts <swagger.json> <out-dir>\n');
    process.exit(2);
  }
  process.stdout.write(`${generateSchemas(swaggerFile, outDir)} schemas in ${outDir}\n`);
}
