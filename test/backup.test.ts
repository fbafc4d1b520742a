import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBackup, writeFileOf, readHeader } from '../src/cli/backup.js';
import { restoreBackup } from '../src/cli/restore.js';
import { loadConfig } from '../src/server/config.js';
import { runCli } from './harness/cli.js';
import { dialectAvailable, DIALECTS } from './harness/databases.js';
import type { NodeProcess } from './harness/cluster.js';
import { createPgDatabase, initServedNode, noteTexts } from './harness/restore.js';
import { until } from './harness/wait.js';

/**
 * Issue 20, acceptance 2: a backup taken during traffic restores on a new data directory (and
 * a new database); `liaison audit verify` passes; the streams with the peer resume with
 * nothing lost or repeated. Two real node processes send each other notes without pause;
 * A is backed up mid-stream, goes on sending, stops, is restored and started again.
 */

const roots: string[] = [];
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops.splice(0)) await drop().catch(() => undefined);
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function newRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'liaison-backup-test-'));
  roots.push(root);
  return root;
}

/** Sends notes from `from` to `to` one after the other until stopped; keeps those sent (201). */
function sender(from: NodeProcess, to: string, label: string) {
  const sent: string[] = [];
  let running = true;
  const loop = (async () => {
    let i = 0;
    while (running) {
      const text = `${label} ${++i}`;
      const r = await from.api('POST', '/api/notes', { peer: to, text });
      if (r.status !== 201) throw new Error(`note not sent: ${r.status} ${JSON.stringify(r.body)}`);
      sent.push(text);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  // Seen by stop(); not an unhandled rejection meanwhile.
  loop.catch(() => undefined);
  return {
    sent,
    async stop() {
      running = false;
      await loop;
    },
  };
}

const sorted = (texts: string[]) => [...texts].sort();

for (const dialect of DIALECTS) {
  describe.skipIf(!dialectAvailable(dialect))(`backup and restore on ${dialect}`, () => {
    it('restores a backup taken during traffic; the streams resume, nothing lost or repeated', async () => {
      const root = newRoot();
      const database = async () => {
        if (dialect === 'sqlite') return undefined;
        const db = await createPgDatabase();
        drops.push(() => db.drop());
        return db.url;
      };
      const a = await initServedNode(root, 'us-doj', await database());
      const b = await initServedNode(root, 'cn-mps', await database());
      // Checkpoints every 1.2 s, so the restore meets checkpoints beyond its backup's head.
      for (const node of [a, b])
        appendFileSync(
          path.join(node.dataDir, 'config.yaml'),
          'federation:\n  checkpointMinutes: 0.02\n',
        );
      const t0 = Date.now();
      const step = (what: string) => console.log(`${dialect} ${Date.now() - t0} ms: ${what}`);
      const senders: { stop(): Promise<void> }[] = [];
      try {
        await Promise.all([a.start(), b.start()]);
        step('started');
        for (const [from, to] of [
          [a, b],
          [b, a],
        ] as const) {
          const r = await from.api('POST', '/api/federation/peers', {
            url: to.url,
            fingerprint: to.fingerprint,
          });
          expect(r.status, JSON.stringify(r.body)).toBe(201);
        }
        const fromA = sender(a, 'cn-mps', 'from A');
        const fromB = sender(b, 'us-doj', 'from B');
        senders.push(fromA, fromB);
        await until(() => fromA.sent.length >= 10 && fromB.sent.length >= 10, 'traffic', 60_000);

        // The backup, while both send.
        const beforeBackup = fromA.sent.length;
        const file = path.join(root, 'us-doj.liaison-backup');
        const manifest = await writeBackup(loadConfig(a.dataDir, {}), file, false);
        expect(manifest).toMatchObject({ nodeId: 'us-doj', dialect, formatVersion: 1 });
        expect(statSync(file).mode & 0o777).toBe(0o600);
        step('backup written');
        const afterBackup = fromA.sent.length;
        await until(
          () => fromA.sent.length >= afterBackup + 10,
          'traffic after the backup',
          60_000,
        );

        // A stops once B has what it sent (what never left a lost disk is lost with it).
        await fromA.stop();
        await until(
          async () => (await noteTexts(b.dataDir, 'us-doj', 'in')).length === fromA.sent.length,
          'B to apply all of A’s notes',
          60_000,
        );
        await a.stop();
        step('A stopped');

        // Restore on a new data directory (and a new database) while B goes on sending.
        const restoredDir = path.join(root, 'us-doj-restored');
        const restored = await restoreBackup({
          file,
          dataDir: restoredDir,
          force: false,
          ...(dialect === 'postgres' ? { databaseUrl: await database() } : {}),
        });
        expect(restored.peers).toEqual(['cn-mps']);
        step('restored');
        await a.start(restoredDir);
        step('A started again');
        const fromA2 = sender(a, 'cn-mps', 'from A again');
        senders.push(fromA2);
        await until(() => fromA2.sent.length >= 10, 'traffic after the restore', 60_000);
        await Promise.all([fromA2.stop(), fromB.stop()]);

        // Everything either side sent, before and after the backup, is there exactly once.
        const expectedAtB = sorted([...fromA.sent, ...fromA2.sent]);
        const expectedAtA = sorted(fromB.sent);
        await until(
          async () => (await noteTexts(b.dataDir, 'us-doj', 'in')).length >= expectedAtB.length,
          'B to apply A’s notes',
          60_000,
        );
        await until(
          async () => (await noteTexts(restoredDir, 'cn-mps', 'in')).length >= expectedAtA.length,
          'A to apply B’s notes',
          60_000,
        );
        step('all applied');
        expect(sorted(await noteTexts(b.dataDir, 'us-doj', 'in'))).toEqual(expectedAtB);
        expect(sorted(await noteTexts(restoredDir, 'cn-mps', 'in'))).toEqual(expectedAtA);
        // A's own record: what it sent before the backup and after the restore, once each
        // (what it sent in between is in B's record only: docs/operations.md).
        const ownOut = await noteTexts(restoredDir, 'cn-mps', 'out');
        expect(new Set(ownOut).size).toBe(ownOut.length);
        for (const text of [...fromA.sent.slice(0, beforeBackup), ...fromA2.sent])
          expect(ownOut).toContain(text);

        // A's stream jumped past the numbers it used after the backup; no message refused.
        const peers = await b.api('GET', '/api/federation/peers');
        expect(peers.body.peers[0].ledger.lastApplied).toBeGreaterThan(1_000_000_000);
        for (const node of [a, b]) {
          const rejections = await node.api('GET', '/api/federation/rejections');
          expect(rejections.body.rejections).toEqual([]);
        }
        const verify = await runCli(['audit', 'verify', '--data', restoredDir]);
        expect(verify.stdout + verify.stderr).toMatch(/audit chain intact/);
        expect(verify.code).toBe(0);
        step('verified');
      } catch (error) {
        console.log(`A:\n${a.log}\nB:\n${b.log}`);
        throw error;
      } finally {
        await Promise.all(senders.map((s) => s.stop().catch(() => undefined)));
        await Promise.all([a.stop(), b.stop()]);
      }
    }, 400_000);
  });
}

describe('liaison backup and restore: bad input', () => {
  it('refuses a missing file, a file that is no backup, a corrupted one, a newer schema, a non-empty target', async () => {
    const root = newRoot();
    const a = await initServedNode(root, 'us-doj');
    const file = path.join(root, 'a.liaison-backup');
    await writeBackup(loadConfig(a.dataDir, {}), file, false);
    await expect(writeBackup(loadConfig(a.dataDir, {}), file, false)).rejects.toMatchObject({
      code: 'backup_exists',
    });
    const restore = (from: string, dataDir = path.join(root, `r-${Math.random()}`)) =>
      restoreBackup({ file: from, dataDir, force: false });

    await expect(restore(path.join(root, 'nothing'))).rejects.toMatchObject({
      code: 'backup_not_found',
    });
    const notBackup = path.join(root, 'not-a-backup');
    writeFileSync(notBackup, 'hello\nworld\n');
    await expect(restore(notBackup)).rejects.toMatchObject({ code: 'not_a_backup' });

    const bytes = readFileSync(file);
    const flipped = path.join(root, 'flipped');
    const copy = Buffer.from(bytes);
    const last = copy.length - 10;
    copy[last] = (copy[last] ?? 0) ^ 0xff;
    writeFileSync(flipped, copy);
    await expect(restore(flipped)).rejects.toMatchObject({ code: 'backup_corrupted' });
    const truncated = path.join(root, 'truncated');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
    await expect(restore(truncated)).rejects.toMatchObject({ code: 'backup_corrupted' });

    // A backup of a newer Liaison: a migration this one does not know.
    const { manifest, offset } = readHeader(file);
    const parts = path.join(root, 'parts');
    mkdirSync(parts);
    let at = offset;
    const partFiles = manifest.files.map((f, i) => {
      const target = path.join(parts, String(i));
      writeFileSync(target, bytes.subarray(at, at + f.size));
      at += f.size;
      return target;
    });
    const newer = path.join(root, 'newer');
    await writeFileOf(
      newer,
      { ...manifest, migrations: [...manifest.migrations, '2099_01_01_0000_future'] },
      partFiles,
    );
    await expect(restore(newer)).rejects.toMatchObject({ code: 'backup_too_new' });

    const occupied = path.join(root, 'occupied');
    mkdirSync(occupied);
    writeFileSync(path.join(occupied, 'something'), 'x');
    await expect(restore(file, occupied)).rejects.toMatchObject({
      code: 'restore_target_not_empty',
    });
    // Nothing was written by the refusals.
    expect(readFileSync(path.join(occupied, 'something'), 'utf8')).toBe('x');

    // The command itself: exit 1 and the reason.
    const cli = await runCli(['restore', '--from', flipped, '--data', path.join(root, 'cli')]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/does not match its SHA-256/);
  }, 120_000);
});
