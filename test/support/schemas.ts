/**
 * Offline schema validators shared by the tests and the packaging script.
 *
 * The schemas are vendored in `test/fixtures/schemas/` (origin, commit and
 * licence in its SOURCE.md), so a clone validates with nothing beside it.
 * Nothing is fetched from the web, and nothing outside the repository is read.
 *
 * - Adaptive Cards 1.5 / 1.6 (JSON Schema draft-06 as published; they need
 *   fixing up in memory before ajv compiles them, see `fixUpAdaptiveCardSchema`).
 * - Teams app manifest v1.29 (JSON Schema draft-04, compiled with ajv-draft-04).
 *
 * Both validators return a list of error strings: empty means valid.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/** The vendored schemas (`test/fixtures/schemas`), or `CONCORDAT_SCHEMAS_DIR` to try another copy. */
export function schemasDir(): string {
  const override = process.env.CONCORDAT_SCHEMAS_DIR?.trim();
  return override ? path.resolve(override) : path.resolve(__dirname, '../fixtures/schemas');
}

export class SchemaNotFoundError extends Error {
  constructor(readonly file: string) {
    super(
      `Schema file not found: ${file}\n` +
        `The offline schemas are vendored in test/fixtures/schemas ` +
        `(looked for in ${schemasDir()}). If CONCORDAT_SCHEMAS_DIR is set, it must ` +
        `name a folder that holds adaptive-cards/ and teams-manifest-v1.29/.`,
    );
    this.name = 'SchemaNotFoundError';
  }
}

function readSchema(relative: string): Record<string, unknown> {
  const file = path.join(schemasDir(), relative);
  if (!existsSync(file)) throw new SchemaNotFoundError(file);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function formatError(e: ErrorObject, base = ''): string {
  const at = base + e.instancePath;
  const where = at === '' ? '(root)' : at;
  let detail = '';
  if (e.keyword === 'enum') {
    detail = `: ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
  } else if (e.keyword === 'const') {
    detail = `: ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
  } else if (e.keyword === 'additionalProperties') {
    detail = `: '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  }
  return `${where} ${e.message ?? e.keyword}${detail}`;
}

function formatErrors(errors: readonly ErrorObject[] | null | undefined, base = ''): string[] {
  return [...new Set((errors ?? []).map((e) => formatError(e, base)))];
}

// ---------------------------------------------------------------------------
// Adaptive Cards
// ---------------------------------------------------------------------------

export type AdaptiveCardVersion = '1.5' | '1.6';

/** Keywords whose value is a map from names to sub-schemas (not keywords themselves). */
const SCHEMA_MAPS = new Set(['properties', 'definitions', 'patternProperties', 'dependencies']);

/**
 * The Adaptive Cards schemas do not compile in ajv as published: the schema
 * id is under `id` (draft-04 style) instead of `$id`, and 1.6 has boolean
 * `required` values on properties. Fix them up on a deep copy: drop
 * `$schema`, rename the top-level `id` to `$id`, and drop every `required`
 * that is not an array. Property *names* (keys under `properties`, e.g. an
 * element's `id`) are left alone.
 */
export function fixUpAdaptiveCardSchema(raw: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(raw);
  delete copy.$schema;
  if (typeof copy.id === 'string') {
    copy.$id = copy.id;
    delete copy.id;
  }
  const walkSchema = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walkSchema);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if ('required' in obj && !Array.isArray(obj.required)) delete obj.required;
    for (const [key, value] of Object.entries(obj)) {
      if (SCHEMA_MAPS.has(key) && value && typeof value === 'object' && !Array.isArray(value)) {
        Object.values(value as Record<string, unknown>).forEach(walkSchema);
      } else if (value && typeof value === 'object') {
        walkSchema(value);
      }
    }
  };
  walkSchema(copy);
  return copy;
}

interface CardSchema {
  ajv: Ajv;
  id: string;
  root: ValidateFunction;
}

const cardSchemas = new Map<AdaptiveCardVersion, CardSchema>();

function cardSchema(version: AdaptiveCardVersion): CardSchema {
  let entry = cardSchemas.get(version);
  if (!entry) {
    const schema = fixUpAdaptiveCardSchema(readSchema(`adaptive-cards/adaptive-card-${version}.0.json`));
    // verbose: errors carry the failing sub-schema and data, used to explain anyOf failures.
    const ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
    addFormats(ajv);
    entry = { ajv, id: String(schema.$id), root: ajv.compile(schema) };
    cardSchemas.set(version, entry);
  }
  return entry;
}

/** The definition names of an anyOf whose every branch is a `$ref` to `#/definitions/X` (a typed union). */
function unionMembers(anyOf: unknown): string[] | undefined {
  if (!Array.isArray(anyOf) || anyOf.length === 0) return undefined;
  const names: string[] = [];
  for (const branch of anyOf) {
    const match = /"\$ref":"#\/definitions\/([^"]+)"/.exec(JSON.stringify(branch));
    if (!match?.[1]) return undefined;
    names.push(match[1]);
  }
  return names;
}

const isUnder = (p: string, ancestor: string) => p === ancestor || p.startsWith(`${ancestor}/`);

/**
 * ajv reports every branch of a failed anyOf (one per element type: some 40
 * lines for one wrong element). Where the anyOf is a union of typed
 * definitions, explain it instead: an unknown `type` gives one line, and a
 * known `type` is validated against its own definition only, recursively.
 */
function explainCardErrors(
  schema: CardSchema,
  validate: ValidateFunction,
  data: unknown,
  base: string,
  depth: number,
): string[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const unions: { path: string; data: unknown; members: string[] }[] = [];
  const candidates = errors
    .filter((e) => e.keyword === 'anyOf' && (depth === 0 || e.instancePath !== ''))
    .sort((a, b) => a.instancePath.length - b.instancePath.length);
  for (const e of candidates) {
    const members = unionMembers(e.schema);
    const value = e.data as Record<string, unknown> | null;
    if (!members || value === null || typeof value !== 'object' || typeof value.type !== 'string') continue;
    if (unions.some((u) => isUnder(e.instancePath, u.path))) continue;
    unions.push({ path: e.instancePath, data: value, members });
  }
  const out = errors
    .filter((e) => !unions.some((u) => isUnder(e.instancePath, u.path)))
    .map((e) => formatError(e, base));
  for (const u of unions) {
    const type = (u.data as { type: string }).type;
    const at = base + u.path;
    if (!u.members.includes(type)) {
      out.push(`${at === '' ? '(root)' : at}/type "${type}" is not allowed here; expected one of ${JSON.stringify(u.members)}`);
      continue;
    }
    const sub = schema.ajv.getSchema(`${schema.id}#/definitions/${type}`);
    if (!sub) {
      out.push(`${at} could not load the schema definition of "${type}"`);
      continue;
    }
    out.push(...explainCardErrors(schema, sub, u.data, at, depth + 1));
  }
  return out;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Checks the Teams host property `msteams` on the card (not part of the
 * Adaptive Cards schema, which forbids unknown properties on the card).
 * Returns errors; the caller validates the card without it.
 */
function checkMsTeamsProperty(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return ['/msteams must be an object'];
  }
  const errors: string[] = [];
  const allowed = new Set(['width', 'entities']);
  for (const [key, v] of Object.entries(value)) {
    if (!allowed.has(key)) errors.push(`/msteams has an unknown property '${key}'`);
    if (key === 'width' && v !== 'Full') errors.push(`/msteams/width must be "Full"`);
    if (key === 'entities' && !Array.isArray(v)) errors.push('/msteams/entities must be an array');
  }
  return errors;
}

/**
 * Validates an Adaptive Card against the published schema of `version`
 * (1.5 by default: the highest version Teams renders on every client).
 *
 * Also checks what the schema leaves open: the top-level card must declare a
 * `version` no higher than the one validated against. A top-level `msteams`
 * object (`width: "Full"`, mention `entities`) is Teams' own and is checked
 * separately. Teams-only elements (e.g. charts) are not in the schema:
 * validate such a card with the element replaced by its fallback.
 */
export function validateAdaptiveCard(card: unknown, version: AdaptiveCardVersion = '1.5'): string[] {
  if (card === null || typeof card !== 'object' || Array.isArray(card)) {
    return ['(root) the card must be a JSON object'];
  }
  const errors: string[] = [];
  let subject = card as Record<string, unknown>;
  if ('msteams' in subject) {
    errors.push(...checkMsTeamsProperty(subject.msteams));
    const { msteams: _ignored, ...rest } = subject;
    subject = rest;
  }
  if (subject.type !== 'AdaptiveCard') {
    errors.push(`/type must be "AdaptiveCard"`);
  }
  if (typeof subject.version !== 'string' || !/^\d+\.\d+$/.test(subject.version)) {
    errors.push('/version must be a string like "1.5" on the top-level card');
  } else if (compareVersions(subject.version, version) > 0) {
    errors.push(`/version "${subject.version}" is higher than ${version}, the version validated against`);
  }
  const schema = cardSchema(version);
  errors.push(...explainCardErrors(schema, schema.root, subject, '', 0));
  return [...new Set(errors)];
}

// ---------------------------------------------------------------------------
// Teams app manifest
// ---------------------------------------------------------------------------

export const TEAMS_MANIFEST_VERSION = '1.29';
export const TEAMS_MANIFEST_SCHEMA_URL = `https://developer.microsoft.com/en-us/json-schemas/teams/v${TEAMS_MANIFEST_VERSION}/MicrosoftTeams.schema.json`;

let manifestValidate: ValidateFunction | undefined;

function manifestValidator(): ValidateFunction {
  if (!manifestValidate) {
    const schema = readSchema(`teams-manifest-v${TEAMS_MANIFEST_VERSION}/MicrosoftTeams.schema.json`);
    const ajv = new AjvDraft04({ strict: false, allErrors: true });
    addFormats(ajv);
    manifestValidate = ajv.compile(schema);
  }
  return manifestValidate;
}

/** Validates a Teams app manifest against the v1.29 schema (JSON Schema draft-04), offline. */
export function validateTeamsManifest(manifest: unknown): string[] {
  const validate = manifestValidator();
  return validate(manifest) ? [] : formatErrors(validate.errors);
}
