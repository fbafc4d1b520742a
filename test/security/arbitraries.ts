import fc from 'fast-check';

/**
 * JSON schema (as the node's OpenAPI document gives it, from the routes' zod schemas) →
 * fast-check arbitraries: `valid` makes values the schema describes (as far as JSON schema
 * can say; zod refinements are not in it), `hostile` makes what an attacker sends instead.
 * No maintained JSON-schema → fast-check library is installed, so this small one.
 */
export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
};

const MAX_DEPTH = 6;

function stringFor(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'uri':
    case 'url':
      return fc.webUrl();
    case 'email':
      return fc.emailAddress();
  }
  if (schema.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(schema.pattern))
        .filter(
          (s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity),
        );
    } catch {
      // A pattern JavaScript cannot compile: plain strings.
    }
  }
  const minLength = schema.minLength ?? 0;
  return fc.string({
    minLength,
    maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 40, 40)),
  });
}

function numberFor(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const low =
    typeof schema.exclusiveMinimum === 'number'
      ? schema.exclusiveMinimum + 1
      : (schema.minimum ?? -1_000_000);
  const high =
    typeof schema.exclusiveMaximum === 'number'
      ? schema.exclusiveMaximum - 1
      : (schema.maximum ?? 1_000_000);
  return integer
    ? fc.integer({ min: Math.ceil(low), max: Math.floor(high) })
    : fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true });
}

function objectFor(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const keys = Object.keys(properties);
  if (keys.length === 0) {
    if (schema.additionalProperties === false) return fc.constant({});
    const values =
      typeof schema.additionalProperties === 'object'
        ? valid(schema.additionalProperties, depth + 1)
        : fc.jsonValue({ maxDepth: 2 });
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), values, { maxKeys: 4 });
  }
  const model = Object.fromEntries(keys.map((k) => [k, valid(properties[k] as Schema, depth + 1)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in model) });
}

/** Values of the schema. */
export function valid(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > MAX_DEPTH) return fc.jsonValue({ maxDepth: 1 });
  const inner = validNotNull(schema, depth);
  return schema.nullable ? fc.option(inner, { nil: null, freq: 5 }) : inner;
}

function validNotNull(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices && choices.length > 0) return fc.oneof(...choices.map((c) => valid(c, depth + 1)));
  if (schema.allOf?.[0]) return valid(schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(valid(schema.items, depth + 1), {
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)),
      });
    }
    case 'object':
      return objectFor(schema, depth);
    default:
      return schema.properties ? objectFor(schema, depth) : fc.jsonValue({ maxDepth: 2 });
  }
}

/** {"a": {"a": … }} `levels` deep, built without recursion. */
export function deeplyNested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

/** The text of a JSON object nested `levels` deep (too deep for JSON.stringify to write). */
export function deepJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}"bottom"${'}'.repeat(levels)}`;
}

/** Strings an attacker tries: huge, control characters, lone surrogates, paths, markup, SQL. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\u202e\u0000\uffff',
    'ℌ𝔢𝔩𝔩𝔬 世界 🙂',
    '../../../../etc/passwd',
    '%2e%2e%2f',
    "' OR 1=1 --",
    '"; DROP TABLE cases; --',
    '<script>alert(1)</script>',
    '__proto__',
    'constructor',
    'NaN',
    '-1',
    '1e309',
    'null',
    'indicator--00000000-0000-4000-8000-000000000000',
    '00000000-0000-4000-8000-000000000000',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);

/** Any JSON value of a type the schema may not expect. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 2 ** 53, -(2 ** 63), 1e308, 0.5, [], {}, [[[]]]),
  // Deeper than this JSON.stringify itself cannot write: see deepJson for the raw text.
  fc.constantFrom(1_000, 2_500).map(deeplyNested),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** A valid value with one property (at any depth of the first level) swapped, dropped or added. */
export function mutated(schema: Schema | undefined): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid(schema), hostileValue, fc.nat(), fc.constantFrom('swap', 'drop', 'add'))
    .map(([value, bad, index, how]) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad;
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(schema?.properties ?? copy);
      const key = keys.length > 0 ? (keys[index % keys.length] as string) : 'extra';
      if (how === 'drop') delete copy[key];
      else if (how === 'add') copy[`extra${index % 3}`] = bad;
      else copy[key] = bad;
      return copy;
    });
}

/** What the fuzzer sends where a schema is expected: mostly near-valid, sometimes anything. */
export function body(schema: Schema | undefined): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: valid(schema) },
    { weight: 4, arbitrary: mutated(schema) },
    { weight: 1, arbitrary: hostileValue },
  );
}
