import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARRANGEMENT } from './arrangements.js';
import { canonicalJson } from './canonical-json.js';
import { DEFAULT_REQUIRED_FIELDS, REQUEST_FIELDS, REQUEST_TYPES } from './requests.js';

describe('the default arrangement', () => {
  it('requires, for each type, the fields of the one required-field table', () => {
    for (const type of REQUEST_TYPES) {
      expect(DEFAULT_ARRANGEMENT.requestTypes[type]?.requiredFields).toEqual(
        DEFAULT_REQUIRED_FIELDS[type],
      );
      for (const field of DEFAULT_REQUIRED_FIELDS[type]) expect(REQUEST_FIELDS).toContain(field);
    }
  });

  it('keeps the terms every node agrees on as version 0 (their hash travels with requests)', () => {
    const hash = createHash('sha256').update(canonicalJson(DEFAULT_ARRANGEMENT)).digest('hex');
    expect(hash).toBe('593d84343c45f17ee9d632514da8e995ac3639c5cfad7c16765ee0d7503d6622');
  });
});
