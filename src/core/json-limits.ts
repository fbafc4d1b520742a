/**
 * Limits on what a JSON value may be, checked at every door (the API, imports, TAXII, peers)
 * before anything walks it recursively: a property nested 5,000 levels deep overflows the
 * stack of JSON.stringify and of schema checks, and one object of 60 MB stalls every page
 * that shows it. Pure: the import worker and the server use the same function.
 */

/** How deep a JSON value nests: 0 for a scalar, 1 for `{}` or `[]`, and so on. */
export function jsonDepth(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) {
      deepest = here;
      if (deepest > stopAbove) return deepest;
    }
    const children = Array.isArray(item) ? item : Object.values(item as Record<string, unknown>);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, here]);
    }
  }
  return deepest;
}

/** The default limits (config `limits`). */
export const DEFAULT_JSON_DEPTH = 64;
export const DEFAULT_STIX_OBJECT_BYTES = 1024 * 1024;

/** Why a STIX object is refused by the limits, or null. */
export function stixObjectLimitProblem(
  bytes: number,
  value: unknown,
  limits: { stixObjectBytes: number; jsonDepth: number },
): string | null {
  if (bytes > limits.stixObjectBytes) {
    return `the object is ${bytes} bytes; at most ${limits.stixObjectBytes} are taken (limits.stixObjectBytes)`;
  }
  const depth = jsonDepth(value, limits.jsonDepth);
  if (depth > limits.jsonDepth) {
    return `the object nests deeper than ${limits.jsonDepth} levels (limits.jsonDepth)`;
  }
  return null;
}
