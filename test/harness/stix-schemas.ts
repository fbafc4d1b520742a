import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, domainToASCII } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * The official OASIS STIX 2.1 JSON schemas (cti-stix2-json-schemas), loaded from the shared
 * conformance folder beside the repository, never copied into it. Tests check what Liaison
 * writes against them with `validateStix`.
 *
 * How the schemas are wired: every file has an absolute `$id` under
 * http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/ and
 * refers to the others relatively ("../common/core.json"), so registering each file under
 * its `$id` lets ajv resolve every `$ref` offline.
 *
 * Quirks of the schemas and how they are handled (none is handled by skipping validation):
 * - Several patterns escape a hyphen outside a character class (`\-?$`, core.json's `type`),
 *   which a Unicode-mode RegExp rejects; patterns are compiled without the `u` flag, as the
 *   schemas' authors (Python `re`) intended.
 * - `domain-name.value` uses the `idn-hostname` format, which ajv-formats does not define;
 *   it is defined here: the name's IDNA ASCII form must be a valid RFC 1123 host name.
 * - Many subschemas use `pattern` or `properties` without a `type` beside them, which ajv's
 *   `strictTypes` lint reports (about a hundred log lines); that lint is about how a schema
 *   is written, not about the data, so it alone is turned off. The rest of strict mode stays
 *   on (an unknown keyword or format fails the load), and the harness also checks at load
 *   time that every format the schemas use is known.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../..');
/**
 * The OASIS schemas live in `shared/conformance` beside the repository (../shared from a
 * checkout in the workplace). A clone elsewhere finds them through LIAISON_CONFORMANCE_DIR,
 * a `shared/conformance` beside any folder above it, or the workplace's own copy.
 */
function conformanceDir(): string {
  const candidates: string[] = [];
  const fromEnv = process.env['LIAISON_CONFORMANCE_DIR'];
  if (fromEnv) candidates.push(path.resolve(fromEnv));
  for (let dir = REPO_ROOT; ; dir = path.dirname(dir)) {
    candidates.push(path.join(path.dirname(dir), 'shared/conformance'));
    if (path.dirname(dir) === dir) break;
  }
  candidates.push('/work/shared/conformance');
  const found = candidates.find((dir) => existsSync(path.join(dir, 'stix2-json-schemas/schemas')));
  return found ?? path.resolve(REPO_ROOT, '../shared/conformance');
}
export const STIX_SCHEMAS_ROOT = path.join(conformanceDir(), 'stix2-json-schemas');
const SCHEMAS_DIR = path.join(STIX_SCHEMAS_ROOT, 'schemas');
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

// ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, the plugin
// function, which also carries itself as `.default` (the only spelling TypeScript accepts).
const addFormats = addFormatsModule.default;

const HOSTNAME =
  /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i;

/** RFC 5890 internationalised host name: its A-label (punycode) form is an RFC 1123 name. */
function isIdnHostname(value: string): boolean {
  if (value.length === 0 || /[\s/\\:@?#[\]%<>^|]/.test(value)) return false;
  const ascii = domainToASCII(value);
  return ascii.length > 0 && HOSTNAME.test(ascii);
}

function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listJsonFiles(full));
    else if (entry.endsWith('.json')) out.push(full);
  }
  return out;
}

function collectFormats(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectFormats(item, into);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'format' && typeof value === 'string') into.add(value);
      else collectFormats(value, into);
    }
  }
}

interface Loaded {
  ajv: Ajv2020;
  ids: Set<string>;
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  let files: string[];
  try {
    files = listJsonFiles(SCHEMAS_DIR);
  } catch (error) {
    throw new Error(
      `The OASIS STIX 2.1 JSON schemas are expected at ${SCHEMAS_DIR} (shared/conformance beside the repository): ${String(error)}`,
    );
  }
  const ajv = new Ajv2020({
    strictTypes: false,
    validateFormats: true,
    unicodeRegExp: false,
    allErrors: true,
  });
  addFormats(ajv, { mode: 'full' });
  ajv.addFormat('idn-hostname', isIdnHostname);

  const ids = new Set<string>();
  const formats = new Set<string>();
  for (const file of files) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id?: string };
    if (typeof schema.$id !== 'string' || !schema.$id.startsWith(BASE)) {
      throw new Error(`${file}: unexpected $id ${String(schema.$id)}`);
    }
    collectFormats(schema, formats);
    ajv.addSchema(schema);
    ids.add(schema.$id);
  }
  for (const format of formats) {
    if (!ajv.formats[format]) throw new Error(`OASIS schemas use the unknown format "${format}"`);
  }
  loaded = { ajv, ids, validators: new Map() };
  return loaded;
}

/** The `$id` of the OASIS schema for a STIX type, or undefined when OASIS has none. */
export function schemaIdFor(type: string): string | undefined {
  const { ids } = load();
  const candidates =
    type === 'bundle' || type === 'marking-definition' || type === 'language-content'
      ? [`common/${type}.json`]
      : [`sdos/${type}.json`, `sros/${type}.json`, `observables/${type}.json`];
  return candidates.map((c) => BASE + c).find((id) => ids.has(id));
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(object)' : error.instancePath;
  const params = Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : '';
  return `${where} ${error.message ?? error.keyword}${params} [${error.schemaPath}]`;
}

/**
 * Validates a STIX object (or a bundle) against the OASIS schema for its `type`; returns the
 * errors, empty when it is valid.
 */
export function validateStix(object: unknown): string[] {
  const state = load();
  if (!object || typeof object !== 'object' || Array.isArray(object)) {
    return ['(object) is not a JSON object'];
  }
  const type = (object as Record<string, unknown>)['type'];
  if (typeof type !== 'string') return ['(object) has no type'];
  const id = schemaIdFor(type);
  if (!id) return [`(object) no OASIS schema for type "${type}"`];
  let validate = state.validators.get(id);
  if (!validate) {
    validate = state.ajv.getSchema(id);
    if (!validate) throw new Error(`schema ${id} did not compile`);
    state.validators.set(id, validate);
  }
  if (validate(object)) return [];
  return (validate.errors ?? []).map(describe);
}

/**
 * The OASIS bundle schema refuses every bundle holding a note, an opinion (or a grouping,
 * incident, location): those types are missing from its list of known objects, and as
 * "custom" objects they match both core.json and cyber-observable-core.json, where it asks
 * for exactly one. This checks a bundle the way the schema means to: its own properties as
 * bundle.json states them, and each object against the OASIS schema of its type.
 */
export function validateStixBundleObjects(bundle: unknown): string[] {
  if (!bundle || typeof bundle !== 'object' || Array.isArray(bundle)) {
    return ['(bundle) is not a JSON object'];
  }
  const { type, id, objects } = bundle as Record<string, unknown>;
  const errors: string[] = [];
  if (type !== 'bundle') errors.push('/type must be "bundle"');
  if (
    typeof id !== 'string' ||
    !/^bundle--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/.test(
      id,
    )
  ) {
    errors.push('/id must be a bundle identifier');
  }
  if (objects !== undefined) {
    if (!Array.isArray(objects) || objects.length === 0) {
      errors.push('/objects must be a list of at least one object');
    } else {
      objects.forEach((object, i) => {
        for (const error of validateStix(object)) errors.push(`/objects/${i}${error}`);
      });
    }
  }
  return errors;
}

/** Every example file shipped with the schemas (bundles, and single objects). */
export function oasisExamples(): { file: string; json: unknown }[] {
  const dir = path.join(STIX_SCHEMAS_ROOT, 'examples');
  return listJsonFiles(dir).map((file) => ({
    file: path.relative(dir, file),
    json: JSON.parse(readFileSync(file, 'utf8')) as unknown,
  }));
}
