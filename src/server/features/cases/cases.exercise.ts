import { randomUUID } from 'node:crypto';
import { identityIdOf, stixIdFor } from '../../../core/stix/ids.js';
import { stixTimestamp } from '../../../core/stix/timestamps.js';
import { withTlp } from '../../../core/stix/tlp.js';
import type { TlpLevel } from '../../../core/tlp-rules.js';
import { appendAudit } from '../../audit/audit.js';
import { notFound } from '../../errors.js';
import { findPeer } from '../../federation/peers.js';
import type { Db, TxHooks } from '../../store/database.js';
import { findCase, insertCase, setParticipants, updateCaseRow } from './cases.repository.js';
import { objectRowOf, valuesOf } from './cases.stix.js';
import type { CaseSupport } from './cases.support.js';
import type { CaseRow, StixObjectRow } from './cases.table.js';
import type { CaseFlow } from './flow.service.js';
import { assertValidStix } from './objects.checks.js';

/** What happened to an object of an EXERCISE case on this node, for its exercise. */
export interface ExerciseObjectEvent {
  /** `added` by a user of this node; `received` from a node of the case. */
  kind: 'added' | 'received';
  exerciseId: string;
  caseId: string;
  objectId: string;
  tlp: TlpLevel;
  /** The node it came from (`received`), or this node. */
  from: string;
  /** The inject that shared it, if an exercise's inject did (`x_liaison_exercise`). */
  injectId: string | null;
  label: string;
  at: number;
}

export type ExerciseObjectListener = (
  trx: Db,
  hooks: TxHooks,
  event: ExerciseObjectEvent,
) => Promise<void>;

/** An indicator an exercise's inject shares with the peer in the exercise's case. */
export interface ExerciseObject {
  peer: string;
  exerciseId: string;
  injectId: string;
  /** The exercise case's title, when this shares its first object. */
  caseTitle: string;
  name: string;
  description: string;
  pattern: string;
  tlp: TlpLevel;
}

type Stix = Record<string, unknown>;

/**
 * Case objects of exercises (issue 17): an inject's indicator goes into the exercise's own
 * case, opened here on the first one and shared with the peer, marked EXERCISE (the case's
 * `exercise_id`, and `x_liaison_exercise` on the object); the exercises feature hears of
 * objects added to or received in such a case through `emit`, in their transaction. Cases
 * never learn what an exercise is; real cases are never reported.
 */
export class ExerciseCases {
  private readonly listeners: ExerciseObjectListener[] = [];

  constructor(
    private readonly support: CaseSupport,
    private readonly flow: CaseFlow,
  ) {}

  on(listener: ExerciseObjectListener): void {
    this.listeners.push(listener);
  }

  async emit(
    trx: Db,
    hooks: TxHooks,
    caseRow: CaseRow,
    row: StixObjectRow,
    kind: ExerciseObjectEvent['kind'],
    at: number,
  ): Promise<void> {
    if (!caseRow.exercise_id) return;
    const object = JSON.parse(row.body ?? '{}') as Stix;
    const marker = object['x_liaison_exercise'] as { inject_id?: unknown } | undefined;
    const event: ExerciseObjectEvent = {
      kind,
      exerciseId: caseRow.exercise_id,
      caseId: caseRow.id,
      objectId: row.id,
      tlp: row.tlp,
      from: row.origin_node,
      injectId: typeof marker?.inject_id === 'string' ? marker.inject_id : null,
      label: row.label,
      at,
    };
    for (const listener of this.listeners) await listener(trx, hooks, event);
  }

  /** Objects imported into a case: an exercise's hears of them as added by this node. */
  async imported(
    trx: Db,
    hooks: TxHooks,
    caseId: string,
    rows: readonly StixObjectRow[],
    at: number,
  ): Promise<void> {
    if (rows.length === 0 || this.listeners.length === 0) return;
    const caseRow = await findCase(trx, caseId);
    if (!caseRow?.exercise_id) return;
    for (const row of rows) await this.emit(trx, hooks, caseRow, row, 'added', at);
  }

  /** The inject's indicator, into the exercise case with the peer, in the inject's transaction. */
  async share(trx: Db, hooks: TxHooks, ex: ExerciseObject): Promise<string> {
    const { deps } = this.support;
    const now = deps.clock.now();
    const peer = await findPeer(trx, ex.peer);
    if (!peer || peer.status !== 'active') {
      throw notFound('peer_not_found', `No active peer has the node id ${ex.peer}.`);
    }
    const caseRow = await this.caseOf(trx, hooks, ex, now);
    const stamp = stixTimestamp(now);
    const input: Stix = {
      type: 'indicator',
      spec_version: '2.1',
      created_by_ref: identityIdOf(deps.nodeId),
      created: stamp,
      modified: stamp,
      name: ex.name.slice(0, 250),
      description: ex.description,
      pattern: ex.pattern,
      pattern_type: 'stix',
      valid_from: stamp,
      labels: ['exercise'],
      x_liaison_exercise: { exercise_id: ex.exerciseId, inject_id: ex.injectId },
    };
    const object = withTlp({ ...input, id: stixIdFor({ ...input, type: 'indicator' }) }, ex.tlp);
    assertValidStix(object);
    const redRecipients = ex.tlp === 'red' ? [ex.peer] : [];
    const row = objectRowOf(caseRow.id, object, ex.tlp, deps.nodeId, redRecipients, now);
    await this.support.record(trx, caseRow.id, [{ row, values: valuesOf(object) }], now);
    await this.flow.objects(trx, hooks, caseRow.id, [row], now);
    await updateCaseRow(trx, caseRow.id, { updated_at: now });
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'exercise' },
      at: now,
      action: 'stix.create',
      entityType: 'stix',
      entityId: row.id,
      details: { case: caseRow.id, type: row.type, tlp: ex.tlp, exercise: ex.exerciseId },
    });
    this.support.objectChanged(hooks, caseRow.id, row);
    return row.id;
  }

  /** The exercise's case this node opened, or a new one shared with the peer. */
  private async caseOf(trx: Db, hooks: TxHooks, ex: ExerciseObject, now: number) {
    const { deps } = this.support;
    const held = await trx
      .selectFrom('cases')
      .selectAll()
      .where('exercise_id', '=', ex.exerciseId)
      .where('owner_node', '=', deps.nodeId)
      .executeTakeFirst();
    if (held) return held;
    const row: CaseRow = {
      id: randomUUID(),
      owner_node: deps.nodeId,
      title: `EXERCISE — ${ex.caseTitle}`.slice(0, 200),
      summary: 'Opened by a tabletop exercise: its shared case objects. Not a real case.',
      kind: 'other',
      priority: 'medium',
      status: 'open',
      priority_case: 0,
      auto_share: 1,
      created_at: now,
      updated_at: now,
      exercise_id: ex.exerciseId,
    };
    await insertCase(trx, row);
    await this.support.indexCase(trx, row);
    await setParticipants(trx, row.id, [ex.peer], now);
    await appendAudit(trx, {
      actor: { kind: 'system', reason: 'exercise' },
      at: now,
      action: 'case.create',
      entityType: 'case',
      entityId: row.id,
      after: { title: row.title, kind: row.kind, priority: row.priority },
      details: { exercise: ex.exerciseId, peer: ex.peer },
    });
    await this.support.sendCase(trx, hooks, row);
    this.support.caseChanged(hooks, row.id);
    return row;
  }
}
