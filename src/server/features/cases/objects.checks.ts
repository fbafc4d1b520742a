import { checkPatternValues } from '../../../core/stix/pattern.js';
import { parseStixObject } from '../../../core/stix/schemas.js';
import { conflict, unprocessable, type AppError } from '../../errors.js';
import { SDO_SRO_TYPES } from './cases.stix.js';
import type { CaseSupport } from './cases.support.js';
import type { StixObjectRow } from './cases.table.js';

/** What the objects service checks before it writes: STIX 2.1 validity, who may version. */
type Stix = Record<string, unknown>;

/** Only the author makes versions, of SDOs and SROs, and none after a revocation. */
export function mayHaveNewVersion(current: StixObjectRow, support: CaseSupport): void {
  support.mustBeOrigin(current);
  if (!SDO_SRO_TYPES.has(current.type)) {
    throw unprocessable(
      'not_versioned',
      `${current.type} objects have no versions in STIX 2.1; add a new object instead.`,
    );
  }
  if (current.revoked === 1) {
    throw conflict(
      'object_revoked',
      'A revoked object has no later versions; add a new object instead.',
    );
  }
}

/** 422 invalid_stix with every problem, named by property (core/stix/schemas.ts). */
export function invalidStix(errors: string[]): AppError {
  return unprocessable('invalid_stix', `Not a valid STIX 2.1 object: ${errors.join('; ')}`, {
    extra: { errors },
  });
}

export function assertValidStix(object: Stix, parse = parseStixObject): void {
  const parsed = parse(object);
  if (!parsed.ok) throw invalidStix(parsed.errors);
}

/**
 * What this node's users write is held to more than STIX's shape: the addresses, domain
 * names and hashes their patterns compare must be well formed. Imports and peers' objects
 * are not (core/stix/pattern.ts says why).
 */
export function assertAuthoredValues(object: Stix, before?: Stix): void {
  const pattern = object['pattern'];
  if (object['type'] !== 'indicator' || object['pattern_type'] !== 'stix') return;
  // A revocation or a new marking of an imported indicator does not re-judge its pattern.
  if (typeof pattern !== 'string' || pattern === before?.['pattern']) return;
  const problems = checkPatternValues(pattern);
  if (problems.length > 0) throw invalidStix(problems.map((p) => `indicator.pattern: ${p}`));
}
