import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Okta's published management schemas (../shared/okta/management.yaml, NSDK 8.2's own copy) as
 * ajv validators, for checking that our responses are what Okta's SDKs deserialise.
 *
 *   preloadOktaSchemas()                  → in beforeAll (parsing takes seconds)
 *   validateOkta('User', body)            → { valid, errors } (never throws)
 *   expectOkta('User', body)              → throws with ajv's errors when invalid (use in tests)
 *   expectOkta('User', list, { array: true })
 *
 * The YAML (3.4 MB) is parsed once per test file, on first use. OpenAPI 3.0 is turned into JSON
 * Schema on the way in: `nullable: true` becomes a null type/enum member (or an anyOf with null
 * where there is no type), and `discriminator` is dropped from the schemas; instead, naming a
 * schema with a discriminator mapping (e.g. 'UserFactor') validates against the mapped subtype for
 * the body's discriminator value ('email' → UserFactorEmail), falling back to the base schema.
 * Okta's schemas are loose (few `required`, open objects): they catch wrong types, formats and
 * enum values, not missing fields, so tests should still assert the fields they care about.
 */

const SPEC_PATH = new URL('../../../shared/okta/management.yaml', import.meta.url);
const SPEC_ID = 'okta-management';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Discriminator {
  propertyName: string;
  mapping: Record<string, string>;
}

interface Loaded {
  ajv: Ajv;
  schemas: Record<string, JsonObject>;
  discriminators: Map<string, Discriminator>;
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys whose values are data, not schemas: left untouched. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const', 'x-okta-tags']);

/** OpenAPI 3.0 schema object → JSON Schema (draft-07 as ajv reads it), recursively. */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator' && isObject(value) && typeof value.propertyName === 'string') continue;
    if (key === 'nullable') continue;
    out[key] = DATA_KEYS.has(key) && key !== 'enum' ? value : toJsonSchema(value);
  }
  if (node.nullable !== true) return out;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    return out;
  }
  if (Array.isArray(out.type)) {
    if (!out.type.includes('null')) out.type = [...out.type, 'null'];
    return out;
  }
  // No type ($ref, allOf…): null or the schema.
  return { anyOf: [out, { type: 'null' }] };
}

function load(): Loaded {
  if (loaded !== undefined) return loaded;
  const spec = parse(readFileSync(SPEC_PATH, 'utf8'), { maxAliasCount: -1 }) as JsonObject;
  const components = spec.components;
  const raw = isObject(components) && isObject(components.schemas) ? components.schemas : {};
  const schemas: Record<string, JsonObject> = {};
  const discriminators = new Map<string, Discriminator>();
  for (const [name, schema] of Object.entries(raw)) {
    if (!isObject(schema)) continue;
    const d = schema.discriminator;
    if (isObject(d) && typeof d.propertyName === 'string' && isObject(d.mapping)) {
      const mapping: Record<string, string> = {};
      for (const [value, ref] of Object.entries(d.mapping)) {
        if (typeof ref === 'string') mapping[value] = ref.replace('#/components/schemas/', '');
      }
      discriminators.set(name, { propertyName: d.propertyName, mapping });
    }
    schemas[name] = toJsonSchema(schema) as JsonObject;
  }
  // OpenAPI is not JSON Schema: unknown keywords (x-*, example, readOnly…) and formats (int32,
  // binary…) are annotations here, so strict mode is off and unknown formats pass.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: { schemas } } as object);
  loaded = { ajv, schemas, discriminators, validators: new Map() };
  return loaded;
}

/**
 * Parses the spec now (a few seconds, more on a loaded machine): call it from a beforeAll with a
 * generous timeout, so the first validation does not eat a test's own time budget.
 */
export function preloadOktaSchemas(): void {
  load();
}

function validatorFor(name: string): ValidateFunction {
  const l = load();
  let validate = l.validators.get(name);
  if (validate === undefined) {
    if (l.schemas[name] === undefined) throw new Error(`okta-schemas: no schema named ${name} in management.yaml`);
    validate = l.ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` });
    l.validators.set(name, validate);
  }
  return validate;
}

/** The schema a body is checked against: the discriminator's subtype when the base names one for it. */
export function resolveOktaSchema(name: string, body: unknown): string {
  const d = load().discriminators.get(name);
  if (d === undefined || typeof body !== 'object' || body === null) return name;
  const value = (body as Record<string, unknown>)[d.propertyName];
  return typeof value === 'string' && d.mapping[value] !== undefined ? d.mapping[value] : name;
}

export interface OktaValidation {
  valid: boolean;
  schema: string;
  errors: ErrorObject[];
}

/** Validates `body` against components.schemas[name] (or each element, with array: true). */
export function validateOkta(name: string, body: unknown, options: { array?: boolean } = {}): OktaValidation {
  if (options.array === true) {
    if (!Array.isArray(body)) {
      return { valid: false, schema: name, errors: [{ instancePath: '', schemaPath: '', keyword: 'type', params: { type: 'array' }, message: 'must be array' }] };
    }
    const errors: ErrorObject[] = [];
    body.forEach((item, index) => {
      const one = validateOkta(name, item);
      for (const e of one.errors) errors.push({ ...e, instancePath: `/${index}${e.instancePath}` });
    });
    return { valid: errors.length === 0, schema: name, errors };
  }
  const schema = resolveOktaSchema(name, body);
  const validate = validatorFor(schema);
  const valid = validate(body);
  return { valid, schema, errors: valid ? [] : [...(validate.errors ?? [])] };
}

/** validateOkta that throws a readable error: for use in tests. Returns the body, typed as the caller wishes. */
export function expectOkta<T = Record<string, unknown>>(name: string, body: unknown, options: { array?: boolean } = {}): T {
  const result = validateOkta(name, body, options);
  if (!result.valid) {
    const lines = result.errors.slice(0, 20).map((e) => `  ${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
    throw new Error(`response does not match Okta's ${result.schema}${options.array === true ? '[]' : ''}:\n${lines.join('\n')}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
  }
  return body as T;
}
