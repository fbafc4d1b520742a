import { compareStixTimestamps, epochMsOf, stixTimestamp } from './timestamps.js';

/**
 * STIX 2.1 versioning (specification 3.6): a new version keeps the `id` (and `created`,
 * `created_by_ref`) and gets a later `modified`; revocation is a last version with
 * `revoked: true`, after which no version may follow. Only SDOs and SROs are versioned;
 * SCOs have no `created`/`modified`.
 */

export type StixVersionErrorCode = 'stix_not_versioned' | 'stix_revoked' | 'stix_fixed_property';

export class StixVersionError extends Error {
  constructor(
    readonly code: StixVersionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StixVersionError';
  }
}

/** The properties that identify an object across its versions and never change. */
export const FIXED_PROPERTIES = [
  'type',
  'id',
  'spec_version',
  'created',
  'created_by_ref',
] as const;

type Versioned = Readonly<Record<string, unknown>> & { id: string; modified: string };

function assertVersionable(object: Readonly<Record<string, unknown>>): asserts object is Versioned {
  const type = String(object['type']);
  if (typeof object['created'] !== 'string' || typeof object['modified'] !== 'string') {
    throw new StixVersionError(
      'stix_not_versioned',
      `${type}: has no created/modified, so it has no versions (observables are not versioned)`,
    );
  }
  if (object['revoked'] === true) {
    throw new StixVersionError(
      'stix_revoked',
      `${type}: ${String(object['id'])} is revoked; a revoked object gets no new versions`,
    );
  }
}

/**
 * The `modified` of the version after one modified at `previous`: `now` when it is later,
 * otherwise a millisecond after `previous`, so versions always move forward even when
 * clocks do not. Millisecond precision.
 */
export function nextModified(previous: string, now: number): string {
  const before = epochMsOf(previous);
  if (Number.isNaN(before)) return stixTimestamp(now);
  return stixTimestamp(now > before ? now : before + 1);
}

/**
 * A new version of an SDO or SRO: the object with `changes` applied (a property set to
 * `undefined` is removed) and a `modified` strictly later than the previous one (see
 * `nextModified`); `now` is epoch milliseconds. `modified` in `changes` is ignored, as it is
 * computed. Throws a StixVersionError for an observable, a revoked object, or changes to a
 * property that identifies the object (FIXED_PROPERTIES).
 */
export function newVersion<T extends Readonly<Record<string, unknown>>>(
  object: T,
  changes: Readonly<Record<string, unknown>>,
  now: number,
): T & { modified: string } {
  assertVersionable(object);
  const type = String(object['type']);
  for (const property of FIXED_PROPERTIES) {
    if (property in changes && changes[property] !== object[property]) {
      throw new StixVersionError(
        'stix_fixed_property',
        `${type}.${property}: cannot change in a new version (a different ${property} makes a different object)`,
      );
    }
  }
  const next: Record<string, unknown> = { ...object };
  for (const [property, value] of Object.entries(changes)) {
    if (property === 'modified') continue;
    if (value === undefined) delete next[property];
    else next[property] = value;
  }
  next['modified'] = nextModified(object.modified, now);
  return next as T & { modified: string };
}

/** The revoked last version of an SDO or SRO (see `newVersion`). */
export function revoke<T extends Readonly<Record<string, unknown>>>(
  object: T,
  now: number,
): T & { modified: string; revoked: true } {
  return newVersion(object, { revoked: true }, now) as T & { modified: string; revoked: true };
}

/**
 * Whether `candidate` is a later version of the same object than `current` (3.6: the
 * version with the most recent `modified` is the object's current state).
 */
export function isNewerVersion(
  candidate: Readonly<Record<string, unknown>>,
  current: Readonly<Record<string, unknown>>,
): boolean {
  const a = candidate['modified'];
  const b = current['modified'];
  return (
    candidate['id'] === current['id'] &&
    typeof a === 'string' &&
    typeof b === 'string' &&
    compareStixTimestamps(a, b) > 0
  );
}
