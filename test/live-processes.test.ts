import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/server/config.js';
import { createLogger } from '../src/server/log.js';
import { createNode } from '../src/server/node.js';
import { initializeNode } from '../src/server/setup.js';
import { CLI_MAIN, ROOT } from './harness/cli.js';
import { freePort } from './harness/cluster.js';
import { createTestDatabase, dialectAvailable, type TestDatabase } from './harness/databases.js';
import { TEST_METRICS_TOKEN } from './harness/node.js';
import { openSse, type SseClient } from './harness/sse.js';
import { until } from './harness/wait.js';

/**
 * Two `liaison serve` processes of one node on one PostgreSQL database (issue 20): live
 * events, throttles and credential caches agree across them.
 */
const PASSWORD = 'live processes admin password';

interface Serve {
  url: string;
  child: ChildProcess;
  log: string;
}

async function serve(dataDir: string, port: number): Promise<Serve> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, 'serve', '--data', dataDir], {
    cwd: ROOT,
    env: {
      ...process.env,
      LIAISON_LOG_LEVEL: 'warn',
      LIAISON_HTTP_PORT: String(port),
      LIAISON_METRICS_TOKEN: TEST_METRICS_TOKEN,
      LIAISON_RATE_EXEMPT: '192.0.2.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const handle: Serve = { url: `http://127.0.0.1:${port}`, child, log: '' };
  const keep = (d: Buffer) => (handle.log = (handle.log + d.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`serve exited:\n${handle.log}`);
      return (await fetch(`${handle.url}/readyz`).catch(() => undefined))?.ok;
    },
    `process on port ${port} ready`,
    180_000,
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${handle.log}`);
  });
  return handle;
}

async function stopServe(handle: Serve | undefined): Promise<void> {
  const child = handle?.child;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Session {
  cookie: string;
  csrf: string;
}

async function logIn(url: string, username: string, password: string): Promise<Session | number> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) return response.status;
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { cookie, csrf: ((await response.json()) as { csrfToken: string }).csrfToken };
}

async function session(url: string, username: string, password: string): Promise<Session> {
  const result = await logIn(url, username, password);
  if (typeof result === 'number') throw new Error(`login of ${username} failed: ${result}`);
  return result;
}

async function api(
  url: string,
  as: Session | { token: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> =
    'token' in as
      ? { authorization: `Bearer ${as.token}` }
      : { cookie: as.cookie, 'x-csrf-token': as.csrf };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe.skipIf(!dialectAvailable('postgres'))('several processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let one: Serve | undefined;
  let two: Serve | undefined;
  let admin1: Session;
  let admin2: Session;
  const streams: SseClient[] = [];

  const events = (url: string, auth: { cookie: string } | { bearer: string }, last?: string) =>
    openSse(`${url}/api/events`, auth, last).then((client) => (streams.push(client), client));
  const createUser = (username: string, roles: string[]) =>
    api(one!.url, admin1, 'POST', '/api/users', {
      username,
      displayName: username,
      roles,
      password: `${username} password 123`,
    });
  const userChanged = (client: SseClient, username: string) =>
    client.events.find(
      (e) => e.event === 'user.changed' && e.data?.includes(`"username":"${username}"`),
    );

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    if (database.store.driver !== 'postgres') throw new Error('not PostgreSQL');
    const [port1, port2] = [await freePort(), await freePort()];
    await initializeNode({
      dataDir: database.dataDir,
      nodeId: 'us-doj',
      name: 'Live processes',
      country: 'US',
      timeZone: 'UTC',
      port: port1,
      databaseUrl: database.store.url,
      adminPassword: PASSWORD,
      osUser: 'test',
    });
    one = await serve(database.dataDir, port1);
    two = await serve(database.dataDir, port2);
    admin1 = await session(one.url, 'admin', PASSWORD);
    admin2 = await session(two.url, 'admin', PASSWORD);
  }, 400_000);

  afterAll(async () => {
    for (const stream of streams) await stream.close();
    await Promise.all([stopServe(one), stopServe(two)]);
    await database?.drop();
  }, 30_000);

  it('delivers an event caused through one process to the streams of the other, filtered by audience, and resumes anywhere', async () => {
    expect((await createUser('olivia', ['observer'])).status).toBe(201);
    const olivia = await session(two!.url, 'olivia', 'olivia password 123');
    const adminStream = await events(two!.url, { cookie: admin2.cookie });
    const oliviaStream = await events(two!.url, { cookie: olivia.cookie });
    expect(adminStream.status).toBe(200);
    await until(() => adminStream.comments.includes('connected'), 'the admin stream');
    await until(() => oliviaStream.comments.includes('connected'), 'the observer stream');

    // An account made through process 1: process 2's admin sees it, the observer does not.
    expect((await createUser('bruno', ['analyst'])).status).toBe(201);
    const bruno = await until(() => userChanged(adminStream, 'bruno'), 'bruno on process 2');
    // A change to olivia's own account reaches her (her id is in the audience).
    const patch = await api(one!.url, admin1, 'GET', '/api/users');
    const oliviaId = (patch.body.users as { id: string; username: string }[]).find(
      (u) => u.username === 'olivia',
    )!.id;
    await api(one!.url, admin1, 'PATCH', `/api/users/${oliviaId}`, { displayName: 'Olivia O.' });
    await until(() => userChanged(oliviaStream, 'olivia'), 'olivia told of her own change');
    expect(userChanged(oliviaStream, 'bruno')).toBeUndefined();
    await until(() => userChanged(adminStream, 'olivia'), 'admin told of olivia');

    // The admin's stream drops; two accounts are made meanwhile; it resumes on process 1.
    const lastId = userChanged(adminStream, 'olivia')!.id!;
    expect(lastId > bruno.id!).toBe(true);
    await adminStream.close();
    expect((await createUser('carla', ['officer'])).status).toBe(201);
    expect((await createUser('dario', ['officer'])).status).toBe(201);
    const resumed = await events(one!.url, { cookie: admin1.cookie }, lastId);
    await until(() => userChanged(resumed, 'dario'), 'the missed events replayed on process 1');
    expect(resumed.events.some((e) => e.event === 'resync')).toBe(false);
    const names = resumed.events
      .filter((e) => e.event === 'user.changed')
      .map((e) => (JSON.parse(e.data!) as { user: { username: string } }).user.username);
    expect(names.slice(0, 2)).toEqual(['carla', 'dario']);
  });

  it('carries an event larger than a notification by reference, whole, from a third process', async () => {
    const stream = await events(two!.url, { cookie: admin2.cookie });
    await until(() => stream.comments.includes('connected'), 'the stream');
    // A CLI process of the node (here, this test's) publishes; no server of its own runs.
    const config = parseConfig(
      { node: { id: 'us-doj', name: 'x', country: 'US', timeZone: 'UTC' }, store: database.store },
      database.dataDir,
    );
    const cli = await createNode({ config, log: createLogger({ level: 'warn' }), dispatch: false });
    const text = 'x'.repeat(20_000);
    cli.bus.publish('hotline.roster', { big: text } as never, { roles: ['admin'] });
    await cli.close();
    const big = await until(
      () => stream.events.find((e) => e.event === 'hotline.roster'),
      'the large event on process 2',
    );
    expect((JSON.parse(big.data!) as { big: string }).big).toBe(text);
  });

  it('listens again after its connection is cut, and delivers what was published meanwhile', async () => {
    const stream = await events(two!.url, { cookie: admin2.cookie });
    await until(() => stream.comments.includes('connected'), 'the stream');
    if (database.store.driver !== 'postgres') throw new Error('not PostgreSQL');
    const client = new pg.Client({ connectionString: database.store.url });
    await client.connect();
    try {
      // Every process's LISTEN connection ends, as when the server restarts.
      const cut = await client.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and query ilike 'LISTEN%' and pid <> pg_backend_pid()`,
      );
      expect(cut.rowCount).toBeGreaterThanOrEqual(2);
    } finally {
      await client.end();
    }
    expect((await createUser('fiona', ['observer'])).status).toBe(201);
    await until(() => userChanged(stream, 'fiona'), 'the event after the reconnection');
    expect(stream.events.some((e) => e.event === 'resync')).toBe(false);
  });

  it('counts failed logins across both processes', async () => {
    expect((await createUser('erin', ['officer'])).status).toBe(201);
    for (const url of [one!.url, two!.url, one!.url, two!.url, one!.url])
      expect(await logIn(url, 'erin', 'wrong password')).toBe(401);
    // Five failures spread over both: the sixth attempt is refused on either, right or not.
    expect(await logIn(two!.url, 'erin', 'erin password 123')).toBe(429);
  });

  it('shares the rate limits: the descriptor budget of an address is spent on both processes', async () => {
    const fetchDescriptor = (url: string) =>
      fetch(`${url}/.well-known/liaison`).then((r) => r.status);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      // 120 a minute per address: 60 through each process, twenty requests at a time.
      const round = Array.from({ length: 20 }, (_, j) =>
        fetchDescriptor(j % 2 ? one!.url : two!.url),
      );
      statuses.push(...(await Promise.all(round)));
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await fetchDescriptor(one!.url)).toBe(429);
    expect(await fetchDescriptor(two!.url)).toBe(429);
  });

  it('refuses a token revoked through one process at once on the other', async () => {
    const created = await api(one!.url, admin1, 'POST', '/api/tokens', {
      name: 'script',
      roles: ['admin'],
    });
    expect(created.status).toBe(201);
    const token = { token: created.body.secret as string };
    // Used (and cached) on process 2.
    for (let i = 0; i < 3; i++)
      expect((await api(two!.url, token, 'GET', '/api/me')).status).toBe(200);
    const revoked = await api(one!.url, admin1, 'DELETE', `/api/tokens/${created.body.token.id}`);
    expect(revoked.status).toBe(204);
    expect((await api(two!.url, token, 'GET', '/api/me')).status).toBe(401);
  });
});
