import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from './roles.js';
import {
  bulkMayCarry,
  exportMayCarry,
  mayAccept,
  peerMayReceive,
  TLP_LEVELS,
  userMaySee,
  type CaseNodes,
  type Marked,
  type TlpLevel,
} from './tlp-rules.js';

/** The rules as a table: every level × every role, every level × every kind of peer. */
const SELF = 'us-doj';
const scope: CaseNodes = { owner: SELF, participants: ['cn-mps', 'gb-nca'] };
const ours = (tlp: TlpLevel, redRecipients: string[] = []): Marked => ({
  tlp,
  origin: SELF,
  redRecipients,
});

describe('TLP 2.0 rules', () => {
  it('give each role what its clearance allows, and RED only where this node is named', () => {
    const expected: Record<Role, TlpLevel[]> = {
      observer: ['clear', 'green'],
      controller: ['clear', 'green', 'amber'],
      analyst: [...TLP_LEVELS],
      officer: [...TLP_LEVELS],
      admin: [...TLP_LEVELS],
    };
    for (const role of ROLES) {
      const seen = TLP_LEVELS.filter((tlp) => userMaySee(ours(tlp), SELF, [role]));
      expect(seen, role).toEqual(expected[role]);
    }
    // A RED object written elsewhere is seen here only if this node is a named recipient.
    const red = { tlp: 'red' as const, origin: 'cn-mps', redRecipients: ['gb-nca'] };
    expect(userMaySee(red, SELF, ['admin'])).toBe(false);
    expect(userMaySee({ ...red, redRecipients: [SELF] }, SELF, ['admin'])).toBe(true);
  });

  it('send to the nodes of the case only, AMBER+STRICT and RED only from their author', () => {
    const table: [Marked, string, boolean][] = [
      [ours('clear'), 'cn-mps', true],
      [ours('green'), 'cn-mps', true],
      [ours('amber'), 'cn-mps', true],
      [ours('amber_strict'), 'cn-mps', true],
      [ours('red', ['cn-mps']), 'cn-mps', true],
      [ours('red', ['gb-nca']), 'cn-mps', false],
      // Not a node of the case: nothing, not even CLEAR, goes by this path.
      [ours('clear'), 'fr-ocl', false],
      [ours('amber'), SELF, false],
      // Received from cn-mps: the owner may pass AMBER on to the case; never STRICT or RED.
      [{ tlp: 'amber', origin: 'cn-mps', redRecipients: [] }, 'gb-nca', true],
      [{ tlp: 'amber_strict', origin: 'cn-mps', redRecipients: [] }, 'gb-nca', false],
      [{ tlp: 'red', origin: 'cn-mps', redRecipients: [SELF, 'gb-nca'] }, 'gb-nca', false],
    ];
    for (const [object, peer, ok] of table) {
      expect(peerMayReceive(object, scope, SELF, peer).ok, `${object.tlp} → ${peer}`).toBe(ok);
    }
    // A participant that is not the owner passes nothing on that it did not write.
    const participant = { owner: 'cn-mps', participants: [SELF, 'gb-nca'] };
    expect(
      peerMayReceive(
        { tlp: 'green', origin: 'cn-mps', redRecipients: [] },
        participant,
        SELF,
        'gb-nca',
      ).ok,
    ).toBe(false);
  });

  it('refuse on arrival what the sender could not have sent', () => {
    const fromPeer = (tlp: TlpLevel, origin: string, red: string[] = []) => ({
      tlp,
      origin,
      redRecipients: red,
    });
    const caseOfPeer = { owner: 'cn-mps', participants: [SELF] };
    expect(mayAccept(fromPeer('amber_strict', 'cn-mps'), caseOfPeer, 'cn-mps', SELF)).toBe(true);
    expect(mayAccept(fromPeer('red', 'cn-mps', ['gb-nca']), caseOfPeer, 'cn-mps', SELF)).toBe(
      false,
    );
    expect(mayAccept(fromPeer('red', 'cn-mps', [SELF]), caseOfPeer, 'cn-mps', SELF)).toBe(true);
    expect(mayAccept(fromPeer('amber_strict', 'gb-nca'), caseOfPeer, 'cn-mps', SELF)).toBe(false);
  });

  it('never export RED, whoever asks', () => {
    for (const role of ROLES) expect(exportMayCarry(ours('red', [SELF]), SELF, [role])).toBe(false);
    expect(exportMayCarry(ours('amber_strict'), SELF, ['analyst'])).toBe(true);
    expect(exportMayCarry(ours('amber'), SELF, ['observer'])).toBe(false);
    expect(TLP_LEVELS.filter(bulkMayCarry)).toEqual(['clear', 'green', 'amber', 'amber_strict']);
  });
});
