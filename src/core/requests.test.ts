import { describe, expect, it } from 'vitest';
import {
  checkMove,
  cleanFields,
  foldRequest,
  missingFields,
  type TimelineEvent,
} from './requests.js';

const side = (node: string) => (node === 'us-doj' ? 'requester' : 'responder');
let n = 0;
const event = (lamport: number, node: string, action: TimelineEvent['action']): TimelineEvent => ({
  id: `e${++n}`,
  lamport,
  node,
  action,
  at: lamport * 1000,
});

describe('request lifecycle', () => {
  it('folds a timeline into a status, whatever order the events were stored in', () => {
    const events = [
      event(1, 'us-doj', 'send'),
      event(2, 'cn-mps', 'acknowledge'),
      event(3, 'cn-mps', 'request_information'),
      event(4, 'us-doj', 'provide_information'),
      event(5, 'cn-mps', 'fulfil'),
    ];
    const forward = foldRequest('preservation', events, side);
    const backward = foldRequest('preservation', [...events].reverse(), side);
    expect(forward).toEqual(backward);
    expect(forward).toMatchObject({
      status: 'fulfilled',
      preservation: 'active',
      acknowledgedAt: 2000,
      closedAt: 5000,
      superseded: [],
    });
  });

  it('converges when both sides move at once: the loser is kept but has no effect', () => {
    const withdraw = event(2, 'us-doj', 'withdraw');
    const acknowledge = event(2, 'cn-mps', 'acknowledge');
    const fulfil = event(3, 'cn-mps', 'fulfil');
    const onA = foldRequest(
      'subscriber_information',
      [event(1, 'us-doj', 'send'), withdraw, acknowledge, fulfil],
      side,
    );
    const onB = foldRequest(
      'subscriber_information',
      [fulfil, acknowledge, withdraw, event(1, 'us-doj', 'send')],
      side,
    );
    expect(onA.status).toBe(onB.status);
    expect(onA.superseded).toEqual(onB.superseded);
  });

  it('refuses moves that are the other side’s, or not possible now', () => {
    expect(checkMove('acknowledge', 'requester', 'sent', null)).toContain("responder's move");
    expect(checkMove('fulfil', 'responder', 'sent', null)).toContain(
      'not possible while the request is sent',
    );
    expect(checkMove('extend_preservation', 'responder', 'fulfilled', null)).toContain(
      'preservation',
    );
    expect(checkMove('message', 'requester', 'declined', null)).toBeUndefined();
  });

  it('lists the required fields that are blank', () => {
    expect(
      missingFields(['offence', 'mla_to_follow', 'brief_facts'], {
        offence: '  ',
        mla_to_follow: false,
        brief_facts: 'x',
      }),
    ).toEqual(['offence', 'mla_to_follow']);
  });

  it('keeps of a draft only the fields that are filled', () => {
    expect(
      cleanFields({ offence: '  ', mla_to_follow: false, brief_facts: 'x', legal_basis: true }),
    ).toEqual({ brief_facts: 'x', legal_basis: true });
  });
});
