import JSZip from 'jszip';
import { afterAll, describe, expect, it } from 'vitest';
import type { AarPart } from '../src/core/schemas/exercise-evaluation.js';
import type { AgendaEntry } from '../src/core/schemas/status-report.js';
import { ManualClock } from '../src/server/clock.js';
import type { Db } from '../src/server/store/database.js';
import { DIALECTS, dialectAvailable } from './harness/databases.js';
import { call, login, makeNode, type NodeHandle } from './harness/node.js';
import { peerUp } from './harness/peers.js';

/**
 * The status report's commitments, draft agenda, exercises and ping times on each store,
 * from rows written as the record, the exercises and the pings features write them: done
 * only when both sides say so, diverging where they differ, overdue past the due date; the
 * agenda lists overdue, then diverging commitments; exercise pings never count; a ping's
 * time is the answering officer's; objects and feedback in an exercise's case never count
 * either; each side's ratings and open corrective actions come
 * from its own part of the AAR. The DOCX carries the agenda in the language asked for.
 */
const at = (text: string) => Date.parse(text);
const NOW = at('2026-06-20T00:00:00Z');
const PERIOD = 'from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z';

async function seedRecord(db: Db): Promise<void> {
  await db
    .insertInto('dialogues')
    .values({
      id: 'd1',
      title: JSON.stringify({ en: 'Cybercrime dialogue', zh: '打击网络犯罪对话' }),
      peer_id: 'cn-mps',
      parties: JSON.stringify(['cn-mps', 'us-doj']),
      created_by: 'us-doj',
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
  const commitments: [string, string, string, string | null, string | null][] = [
    ['Establish a hotline', '建立热线', '2026-03-01', 'done', 'done'],
    ['Guidelines for requests', '请求指南', '2026-05-01', 'done', 'in_progress'],
    ['A tabletop exercise', '桌面演练', '2026-12-01', 'in_progress', null],
    ['Share indicators', '共享指标', '2026-12-31', null, null],
  ];
  let position = 0;
  for (const [en, zh, due, here, there] of commitments) {
    position += 1;
    const id = `00000000-0000-4000-8000-00000000000${position}`;
    await db
      .insertInto('dialogue_commitments')
      .values({
        id,
        dialogue_id: 'd1',
        meeting_id: 'm1',
        meeting_number: 1,
        version: 1,
        position,
        content: JSON.stringify({ id, what: { en, zh }, dueDate: due }),
        due_date: due,
        state: 'not_started',
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
    for (const [side, status] of [
      ['us-doj', here],
      ['cn-mps', there],
    ] as const) {
      if (!status) continue;
      await db
        .insertInto('dialogue_attestations')
        .values({
          commitment_id: id,
          side,
          dialogue_id: 'd1',
          status: status as 'done',
          note: '',
          evidence: '[]',
          by_name: side,
          at: NOW - 1000,
        })
        .execute();
    }
  }
}

async function seedPingsAndExercise(db: Db): Promise<void> {
  const ping = (id: string, exercise: string | null) => ({
    id,
    peer_id: 'cn-mps',
    direction: 'out' as const,
    contact_id: 'c1',
    contact_name: 'MPS duty desk',
    sent_at: at('2026-06-05T00:00:00Z'),
    acknowledged_at: at('2026-06-05T00:00:31Z'),
    acknowledged_by: 'Officer Li',
    scheduled: 0,
    exercise_id: exercise,
    exercise_inject_id: null,
    answered_at: at('2026-06-05T00:00:30Z'),
  });
  await db
    .insertInto('pings')
    .values([ping('p1', null), ping('p2', 'x1')])
    .execute();
  const part = (side: 'A' | 'B', ratings: ('P' | 'S' | 'M' | 'U')[], open: number): AarPart => ({
    side,
    sharedAt: '2026-06-12T00:00:00.000Z',
    participants: { controllers: 1, evaluators: 1, players: 2 },
    ratings: ratings.map((rating, i) => ({
      objective: `o${i}`,
      capability: null,
      rating,
      note: '',
    })),
    observations: [],
    hotwash: { strengths: [], improvements: [] },
    expected: [],
    timeline: [],
    correctiveActions: [...Array(open + 1).keys()].map((i) => ({
      id: `${side}${i}`,
      title: 'Rehearse the ladder',
      capability: 'operational-communications',
      ownerSide: side,
      owner: 'duty desk',
      startDate: '2026-07-01',
      dueDate: '2026-08-01',
      status: i < open ? 'open' : 'done',
    })),
  });
  const clock = {
    state: 'ended',
    anchorWall: at('2026-06-10T12:00:00Z'),
    anchorScenario: 0,
    speed: 1,
  };
  await db
    .insertInto('exercises')
    .values({
      id: 'x1',
      scenario_id: 'personnel-breach',
      scenario_version: 1,
      peer_id: 'cn-mps',
      side: 'A',
      proposed_here: 1,
      proposed_by: 'Ada',
      status: 'accepted',
      clock: JSON.stringify(clock),
      msel: '{}',
      expectations: '[]',
      created_at: at('2026-06-10T00:00:00Z'),
      updated_at: at('2026-06-10T00:00:00Z'),
    })
    .execute();
  for (const [origin, p] of [
    ['ours', part('A', ['P', 'S'], 1)],
    ['theirs', part('B', ['M'], 2)],
  ] as const) {
    await db
      .insertInto('exercise_aar_parts')
      .values({ exercise_id: 'x1', origin, part: JSON.stringify(p), shared_at: NOW })
      .execute();
  }
}

/**
 * Objects each way: us-doj's o1 shared in June (counted), o3 in May (not in the period), o2
 * in an exercise's case (never counted); cn-mps's o4 recorded here in June. Feedback: cn-mps
 * on o1, us-doj on o4 (each counted), cn-mps on the exercise's o2 (not counted).
 */
async function seedSharing(db: Db): Promise<void> {
  const kase = (id: string, exercise: string | null) => ({
    id,
    owner_node: 'us-doj',
    title: id,
    summary: '',
    kind: 'hacking',
    priority: 'high',
    status: 'open',
    priority_case: 0,
    auto_share: 0,
    created_at: NOW,
    updated_at: NOW,
    exercise_id: exercise,
  });
  await db
    .insertInto('cases')
    .values([kase('k1', null), kase('k2', 'x1')])
    .execute();
  const objects: [string, string, string, string][] = [
    ['indicator--o1', 'k1', 'us-doj', '2026-06-05T00:00:00Z'],
    ['indicator--o2', 'k2', 'us-doj', '2026-06-05T00:00:00Z'],
    ['indicator--o3', 'k1', 'us-doj', '2026-05-05T00:00:00Z'],
    ['indicator--o4', 'k1', 'cn-mps', '2026-06-06T00:00:00Z'],
  ];
  let seq = 0;
  for (const [id, caseId, origin, when] of objects) {
    seq += 1;
    const body = JSON.stringify({ type: 'indicator', id });
    await db
      .insertInto('stix_objects')
      .values({
        id,
        case_id: caseId,
        type: 'indicator',
        origin_node: origin,
        tlp: 'green',
        red_recipients: '[]',
        revoked: 0,
        deleted: 0,
        modified: when,
        label: id,
        search: id,
        body,
        updated_at: at(when),
      })
      .execute();
    await db
      .insertInto('stix_versions')
      .values({
        id,
        n: 1,
        seq,
        added_us: at(when) * 1000,
        case_id: caseId,
        type: 'indicator',
        current: 1,
        earliest: 1,
        modified: when,
        tlp: 'green',
        red_recipients: '[]',
        body,
        recorded_at: at(when),
      })
      .execute();
    if (origin === 'us-doj') {
      await db
        .insertInto('stix_shares')
        .values({ object_id: id, peer_id: 'cn-mps', shared_at: at(when) })
        .execute();
    }
  }
  const feedback = (objectId: string, node: string) => ({
    object_id: objectId,
    node_id: node,
    use: 'blocked',
    note: '',
    actor: node,
    at: at('2026-06-07T00:00:00Z'),
  });
  await db
    .insertInto('stix_feedback')
    .values([
      feedback('indicator--o1', 'cn-mps'),
      feedback('indicator--o4', 'us-doj'),
      feedback('indicator--o2', 'cn-mps'),
    ])
    .execute();
}

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`the status report on ${dialect}`, () => {
    const handles: NodeHandle[] = [];
    afterAll(async () => {
      for (const h of handles.reverse()) await h.destroy();
    });

    it('counts commitments, drafts the agenda, and reads exercises and pings as recorded', async () => {
      const clock = new ManualClock(NOW);
      const us = await makeNode({ nodeId: 'us-doj', clock, dialect });
      handles.push(us);
      const cn = await makeNode({ nodeId: 'cn-mps', clock, dialect });
      handles.push(cn);
      await peerUp(us, cn, await us.node.listen(), await cn.node.listen());
      const admin = await login(us.app, 'admin', us.admin.password);
      const db = us.node.store.db;
      await seedRecord(db);
      await seedPingsAndExercise(db);
      await seedSharing(db);

      const r = await call(us.app, admin, 'GET', `/api/status-report?dialogue=d1&${PERIOD}`);
      expect(r.statusCode, r.body).toBe(200);
      const report = r.json<Record<string, any>>();
      expect(report).toMatchObject({
        peer: 'cn-mps',
        dialogue: 'd1',
        asOf: '2026-06-20T00:00:00.000Z',
        exercisesRun: 1,
        commitments: { total: 4, doneByBoth: 1, diverging: 2, overdue: 1 },
      });
      expect(report.here.commitments).toEqual({ saysDone: 2 });
      expect(report.there.commitments).toEqual({ saysDone: 1 });
      const agenda = report.agenda as AgendaEntry[];
      expect(agenda.map((a) => [a.reason, a.what.en, a.dueDate, a.here, a.peer])).toEqual([
        ['overdue', 'Guidelines for requests', '2026-05-01', 'done', 'in_progress'],
        ['diverging', 'A tabletop exercise', '2026-12-01', 'in_progress', null],
      ]);
      expect(report.here.sharing).toEqual({ objectsShared: 1, feedbackGiven: 1 });
      expect(report.there.sharing).toEqual({ objectsShared: 1, feedbackGiven: 1 });
      // One real ping (the exercise's is left out), timed to the officer's answer: 30 s.
      expect(report.here.pings).toEqual({
        sent: 1,
        answered: 1,
        answeredShare: 1,
        medianMs: 30_000,
      });
      expect(report.here.exercises).toEqual({
        aarShared: 1,
        ratings: { P: 1, S: 1, M: 0, U: 0 },
        openCorrectiveActions: 1,
      });
      expect(report.there.exercises).toEqual({
        aarShared: 1,
        ratings: { P: 0, S: 0, M: 1, U: 0 },
        openCorrectiveActions: 2,
      });

      // A period that ends before the exercise: nothing run, nothing open yet.
      const before = await call(
        us.app,
        admin,
        'GET',
        '/api/status-report?peer=cn-mps&from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z',
      );
      expect(before.json().exercisesRun).toBe(0);
      expect(before.json().here.exercises.openCorrectiveActions).toBe(0);
      expect(before.json().here.pings.sent).toBe(0);

      const measure = await call(
        us.app,
        admin,
        'GET',
        '/api/measures/exercises.finished_with_aar?peer=cn-mps',
      );
      expect(measure.json().value).toBe(1);
      // In the 90 days to 20 June: o1, o3 and o4 (3 objects ÷ 3 months), two feedbacks.
      const all = await call(us.app, admin, 'GET', '/api/measures?peer=cn-mps');
      const values = Object.fromEntries(
        all
          .json<{ measures: { key: string; value: number | null }[] }>()
          .measures.map((m) => [m.key, m.value]),
      );
      expect(values).toMatchObject({
        'sharing.objects_per_month': 1,
        'sharing.feedback_given': 2,
        'pings.answered_share': 1,
        'arrangement.in_force': 0,
        'requests.on_time_share': null,
        'exercises.finished_with_aar': 1,
      });

      // The DOCX in Chinese: the agenda's commitments in Chinese.
      const docx = await us.app.inject({
        method: 'GET',
        url: `/api/status-report.docx?dialogue=d1&lang=zh-CN&${PERIOD}`,
        headers: { cookie: admin.cookie },
      });
      expect(docx.statusCode).toBe(200);
      const xml =
        (await (
          await JSZip.loadAsync(docx.rawPayload)
        )
          .file('word/document.xml')
          ?.async('string')) ?? '';
      expect(xml).toContain('下次会议议程草案');
      expect(xml).toContain('请求指南');
      expect(xml).toContain('桌面演练');
      expect(xml).not.toContain('共享指标');
    }, 60_000);
  });
}
