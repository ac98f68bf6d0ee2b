import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Okta's published OAuth 2.0 / OIDC schemas (../shared/okta/oauth.yaml) as ajv validators:
 * `expectOAuth('TokenResponse', body)` throws with ajv's errors when the body does not conform.
 * OpenAPI 3.0 `nullable: true` becomes a null type member; `discriminator` is dropped; a
 * `type: string` that has `items` (a slip in Client.post_logout_redirect_uris) reads as an array.
 * Okta's schemas are loose (few `required`), so tests still assert the fields they rely on.
 */
const SPEC_PATH = new URL('../../../shared/okta/oauth.yaml', import.meta.url);
const SPEC_ID = 'okta-oauth';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'const']);

function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'discriminator' || key === 'nullable') continue;
    out[key] = DATA_KEYS.has(key) ? value : toJsonSchema(value);
  }
  // Known slip in oauth.yaml: Client.post_logout_redirect_uris says `type: string` with `items`;
  // Okta (and RFC 7591-style clients) send an array, so a string type with items reads as an array.
  if (out.type === 'string' && out.items !== undefined) out.type = 'array';
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function load(): Ajv {
  if (ajv !== undefined) return ajv;
  const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as JsonObject;
  const components = isObject(spec.components) ? spec.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: { schemas: toJsonSchema(schemas) } } as JsonObject, SPEC_ID);
  return ajv;
}

export function validateOAuth(name: string, body: unknown): { valid: boolean; errors: string } {
  let validate = validators.get(name);
  if (validate === undefined) {
    validate = load().compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` });
    validators.set(name, validate);
  }
  const valid = validate(body) === true;
  return { valid, errors: valid ? '' : JSON.stringify(validate.errors, null, 2) };
}

export function expectOAuth(name: string, body: unknown): void {
  const { valid, errors } = validateOAuth(name, body);
  if (!valid) throw new Error(`response does not match oauth.yaml ${name}:\n${errors}\n${JSON.stringify(body, null, 2)}`);
}
