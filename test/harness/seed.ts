import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import {
  ADMIN_PASSWORD,
  clusterRoot,
  createNodeProcess,
  peer,
  removeClusterRoots,
  type NodeProcess,
} from './cluster.js';
import { until } from './wait.js';

/**
 * A little realistic data on two peered nodes, and the list of the web app's main pages
 * to look at with it: shared by `npm run screenshots` (scripts/screenshots.ts) and the
 * accessibility test (test/e2e/a11y.browser.test.ts). Everything is seen from us-doj.
 */

const LIVE = 45_000;

/** What `seed` made, for the pages that show one item. */
export interface Seeded {
  /** cn-mps's emergency disclosure request, received by us-doj. */
  incomingRequestId: string;
  /** us-doj's preservation request, sent to cn-mps. */
  outgoingRequestId: string;
  caseId: string;
  /** us-doj's hotline call to cn-mps, about the case. */
  callId: string;
  /** A word the search box finds in a request, the case, the call and the note. */
  searchTerm: string;
  /** The personnel-breach tabletop, us-doj (side A) with cn-mps, paused past T+00:50. */
  exerciseId: string;
}

export const SEARCH_TERM = 'Lotus';

/** The two nodes as the browser tests start them, without vitest's hooks (for scripts). */
export interface StartedPair {
  us: NodeProcess;
  cn: NodeProcess;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startPeeredPair(): Promise<StartedPair> {
  const root = clusterRoot();
  const us = await createNodeProcess(root, 'us-doj', { timeZone: 'America/New_York' });
  const cn = await createNodeProcess(root, 'cn-mps', { country: 'CN', timeZone: 'Asia/Shanghai' });
  await Promise.all([us.start(), cn.start()]);
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close().catch(() => undefined);
    await Promise.all([us.kill(), cn.kill()]);
    removeClusterRoots();
  };
  try {
    await peer(us, cn);
    browser = await launchChromium();
  } catch (error) {
    await stop();
    throw error;
  }
  return { us, cn, browser, stop };
}

async function ok(
  node: NodeProcess,
  method: string,
  path: string,
  body: unknown,
  expected: number,
): Promise<any> {
  const answer = await node.api(method, path, body);
  if (answer.status !== expected) {
    throw new Error(
      `${node.nodeId}: ${method} ${path} answered ${answer.status} (expected ${expected}): ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
}

/** The fields of a preservation request from us-doj (every one its form asks for). */
export const PRESERVATION_FIELDS = {
  requesting_authority: 'U.S. Department of Justice, CCIPS',
  reference_number: 'CCIPS-2026-0413',
  offence: 'Computer intrusion (18 U.S.C. 1030)',
  brief_facts: 'Intrusion into a federal personnel agency by the Lotus Relay group.',
  data_requested: 'Subscriber and log data for the account ops@example.cn',
  relation_to_offence: 'The account received the exfiltrated archive.',
  custodian_location: 'Example Cloud (Beijing) Co., Ltd.',
  preservation_reason: 'Logs are deleted after 30 days.',
  mla_to_follow: true,
  confirmation_contact: 'duty@ccips.example.gov',
};

/** The fields of an emergency disclosure request (a threat to life). */
export const EMERGENCY_FIELDS = {
  requesting_authority: 'Ministry of Public Security, Cybersecurity Bureau',
  threat_to_life: 'A hostage is held; the kidnappers use the account to demand a ransom.',
  data_requested: 'Login IP addresses of the account over the last 48 hours',
  identifiers: 'ransom-desk@example.com',
  confirmation_contact: '+86 10 0000 0001',
};

export const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** What a request is: its type, urgency, title and fields. */
export interface RequestInput {
  type: string;
  urgency: string;
  title: string;
  fields: object;
}

/** A draft request from `from` to the peer `to`; its id. */
export async function draftRequest(
  from: NodeProcess,
  to: string,
  request: RequestInput,
): Promise<string> {
  const draft = await ok(from, 'POST', '/api/requests', { peer: to, ...request }, 201);
  return draft.id as string;
}

/** A request drafted and sent from `from` to the peer `to`: the sent request's view. */
export async function sendRequest(
  from: NodeProcess,
  to: string,
  request: RequestInput,
): Promise<{ id: string; reference: string; [key: string]: any }> {
  const id = await draftRequest(from, to, request);
  const sent: { id: string; reference: string } = await ok(
    from,
    'POST',
    `/api/requests/${id}/send`,
    undefined,
    200,
  );
  return sent;
}

/** A case opened on `node` (a hacking case unless `fields` say otherwise); its id. */
export async function createCase(
  node: NodeProcess,
  title: string,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const created = await ok(node, 'POST', '/api/cases', { title, kind: 'hacking', ...fields }, 201);
  return created.id as string;
}

/** A hotline call from `from` to the peer `to` (a technical call unless said); its id. */
export async function placeCall(
  from: NodeProcess,
  to: string,
  call: { priority: string; subject: string; tier?: string; [key: string]: unknown },
): Promise<string> {
  const placed = await ok(
    from,
    'POST',
    '/api/hotline/calls',
    { peer: to, tier: 'technical', ...call },
    201,
  );
  return placed.id as string;
}

/**
 * A point of contact on `node`, reachable around the clock; by default a duty desk on the
 * phone, unpublished. Its id.
 */
export async function addContact(
  node: NodeProcess,
  contact: {
    name: string;
    channels: { type: string; value: string }[];
    timeZone: string;
    kind?: string;
    roles?: string[];
    languages?: string[];
    published?: boolean;
  },
): Promise<string> {
  const created = await ok(
    node,
    'POST',
    '/api/contacts',
    {
      kind: 'desk',
      roles: ['duty_24_7'],
      languages: ['en'],
      workingHours: { days: EVERY_DAY, start: '00:00', end: '23:59', always: true },
      published: false,
      ...contact,
    },
    201,
  );
  return created.id as string;
}

/** The duty desks seed() publishes on us-doj and cn-mps. */
export const DUTY_DESKS = {
  'us-doj': {
    name: 'CCIPS duty desk',
    channels: [{ type: 'phone', value: '+1 202 000 0000' }],
    languages: ['en'],
    timeZone: 'America/New_York',
  },
  'cn-mps': {
    name: 'MPS cybercrime duty desk',
    channels: [{ type: 'phone', value: '+86 10 0000 0000' }],
    languages: ['zh', 'en'],
    timeZone: 'Asia/Shanghai',
  },
};

/** `node`'s published duty desk (us-doj's or cn-mps's); its id. */
export function dutyDesk(node: NodeProcess): Promise<string> {
  return addContact(node, {
    ...DUTY_DESKS[node.nodeId as keyof typeof DUTY_DESKS],
    published: true,
  });
}

/** Waits until `node` holds the contact named `name` that `from` published. */
export async function untilContactOn(
  node: NodeProcess,
  from: NodeProcess,
  name: string,
): Promise<void> {
  await until(
    async () => {
      const contacts = ((await node.api('GET', `/api/contacts?node=${from.nodeId}`)).body
        ?.contacts ?? []) as { name: string }[];
      return contacts.some((c) => c.name === name);
    },
    `${from.nodeId}'s ${name} on ${node.nodeId}`,
    LIVE,
    200,
  );
}

/** A ladder rung that alerts whoever is on duty, in the browser. */
const BROWSER_RUNG = { targets: [{ kind: 'on_duty' }], channels: ['browser'] };

/**
 * A duty officer on `node`: a user, the contact the roster puts on technical duty around
 * the clock, and a ladder whose every tier alerts whoever is on duty in the browser.
 */
export async function dutyOfficer(
  node: NodeProcess,
  officer: { username: string; displayName: string; password: string },
): Promise<void> {
  await ok(node, 'POST', '/api/users', { ...officer, roles: ['officer'] }, 201);
  const contactId = await addContact(node, {
    name: 'Li Wei',
    kind: 'person',
    roles: ['duty_24_7', 'technical'],
    channels: [{ type: 'liaison_account', value: officer.username }],
    languages: ['zh', 'en'],
    timeZone: 'Asia/Shanghai',
    published: true,
  });
  await ok(
    node,
    'POST',
    '/api/hotline/shifts',
    { tier: 'technical', contactId, days: EVERY_DAY, start: '00:00', end: '00:00' },
    201,
  );
  await ok(
    node,
    'PUT',
    '/api/hotline/ladder',
    {
      tiers: { technical: [BROWSER_RUNG], formal_inquiry: [BROWSER_RUNG], senior: [BROWSER_RUNG] },
      fallback: { targets: [], channels: [], webhooks: [], emailPeerContacts: false },
    },
    200,
  );
}

/**
 * Seeds both nodes through their APIs: a published duty desk on each; a preservation
 * request us-doj → cn-mps and an emergency disclosure request cn-mps → us-doj, both sent;
 * a case on us-doj with three indicators shared with cn-mps; a hotline call about it; a
 * note; a ping test of cn-mps's duty desk; an officer account on us-doj.
 */
export async function seed(us: NodeProcess, cn: NodeProcess): Promise<Seeded> {
  // The admins follow their browser's language (the pages are visited in both).
  await ok(us, 'PATCH', '/api/me', { language: null }, 200);
  await ok(cn, 'PATCH', '/api/me', { language: null }, 200);

  await ok(
    us,
    'POST',
    '/api/users',
    {
      username: 'j.miller',
      displayName: 'Jane Miller',
      roles: ['officer'],
      password: 'a long officer password for screenshots',
    },
    201,
  );
  await dutyDesk(us);
  await dutyDesk(cn);

  // A request each way.
  const outgoing = await sendRequest(us, 'cn-mps', {
    type: 'preservation',
    urgency: 'urgent',
    title: 'Preserve logs of ops@example.cn (Lotus Relay)',
    fields: PRESERVATION_FIELDS,
  });
  const emergency = await sendRequest(cn, 'us-doj', {
    type: 'emergency_disclosure',
    urgency: 'emergency',
    title: 'Kidnapping: login addresses of ransom-desk@example.com',
    fields: EMERGENCY_FIELDS,
  });
  await until(
    async () => (await us.api('GET', `/api/requests/${emergency.id}`)).status === 200,
    'the emergency request on us-doj',
    LIVE,
    200,
  );
  await until(
    async () => (await cn.api('GET', `/api/requests/${outgoing.id}`)).status === 200,
    'the preservation request on cn-mps',
    LIVE,
    200,
  );
  // cn-mps acknowledges the preservation request: a timeline with more than one step.
  await ok(cn, 'POST', `/api/requests/${outgoing.id}/moves`, { action: 'acknowledge' }, 200);

  // A case with indicators, shared with cn-mps.
  const caseId = await createCase(us, 'Lotus Relay intrusions into personnel agencies', {
    summary: 'Intrusions into two personnel agencies; records of 21.5 million people taken.',
    priority: 'high',
  });
  const indicators = [
    ['C2 server 203.0.113.7', "[ipv4-addr:value = '203.0.113.7']", 'green'],
    ['Staging server 198.51.100.23', "[ipv4-addr:value = '198.51.100.23']", 'amber'],
    ['Lotus Relay dropper domain', "[domain-name:value = 'update-check.example']", 'green'],
  ] as const;
  for (const [name, pattern, tlp] of indicators) {
    await ok(
      us,
      'POST',
      `/api/cases/${caseId}/objects`,
      {
        object: {
          type: 'indicator',
          name,
          pattern,
          pattern_type: 'stix',
          valid_from: '2026-11-01T00:00:00Z',
        },
        tlp,
      },
      201,
    );
  }
  await ok(us, 'POST', `/api/cases/${caseId}/participants`, { peer: 'cn-mps' }, 200);
  await ok(us, 'POST', `/api/cases/${caseId}/share`, { peer: 'cn-mps' }, 200);
  await until(
    async () => {
      const there = await cn.api('GET', `/api/cases/${caseId}`);
      return there.status === 200 && (there.body.objects?.length ?? 0) >= indicators.length;
    },
    'the case and its indicators on cn-mps',
    LIVE,
    200,
  );

  // A hotline call about the case, a note and a ping test.
  const callId = await placeCall(us, 'cn-mps', {
    priority: 'urgent',
    subject: 'Lotus Relay: C2 server still answering',
    text: 'Can your team confirm the hosting provider of 203.0.113.7 before 18:00 UTC?',
    caseId,
  });
  await ok(
    us,
    'POST',
    '/api/notes',
    { peer: 'cn-mps', text: 'Lotus Relay: we will send the MLA request by Friday.' },
    201,
  );
  await untilContactOn(us, cn, DUTY_DESKS['cn-mps'].name);
  await ok(us, 'POST', '/api/pings', { peer: 'cn-mps' }, 201);
  const exerciseId = await runExercise(us, cn);
  return {
    incomingRequestId: emergency.id,
    outgoingRequestId: outgoing.id,
    caseId,
    callId,
    searchTerm: SEARCH_TERM,
    exerciseId,
  };
}

/**
 * A tabletop exercise (issue 17): us-doj proposes personnel-breach to cn-mps as side A,
 * cn-mps accepts, the clock runs at 60× to T+00:51 (the briefing in the players' feed, the
 * call inject fired as an EXERCISE call) and is paused there.
 */
async function runExercise(us: NodeProcess, cn: NodeProcess): Promise<string> {
  const proposal = { scenarioId: 'personnel-breach', peer: 'cn-mps', side: 'A' };
  const { id } = (await ok(us, 'POST', '/api/exercises', proposal, 201)) as { id: string };
  await until(
    async () => (await cn.api('GET', `/api/exercises/${id}`)).status === 200,
    'the proposal on cn-mps',
    LIVE,
    200,
  );
  await ok(cn, 'POST', `/api/exercises/${id}/accept`, undefined, 200);
  await until(
    async () => (await us.api('GET', `/api/exercises/${id}`)).body?.status === 'accepted',
    'the acceptance on us-doj',
    LIVE,
    200,
  );
  await ok(us, 'POST', `/api/exercises/${id}/clock`, { kind: 'start', speed: 60 }, 200);
  await ok(us, 'POST', `/api/exercises/${id}/clock`, { kind: 'jump', toMinutes: 51 }, 200);
  await until(
    async () => {
      const { injects } = (await ok(us, 'GET', `/api/exercises/${id}/injects`, undefined, 200)) as {
        injects: { id: string; state: string }[];
      };
      return injects.find((i) => i.id === 'exfiltration-call')?.state === 'fired';
    },
    'the call inject fired on us-doj',
    LIVE,
    200,
  );
  await ok(us, 'POST', `/api/exercises/${id}/clock`, { kind: 'pause' }, 200);
  return id;
}

/** One of the main pages, seen from us-doj. */
export interface MainPage {
  /** A short name, used in file names and reports. */
  name: string;
  path: string;
}

export function mainPages(seeded: Seeded): MainPage[] {
  return [
    { name: 'home', path: '/' },
    { name: 'requests', path: '/requests' },
    { name: 'request', path: `/requests/${seeded.incomingRequestId}` },
    { name: 'arrangements', path: '/arrangements' },
    { name: 'hotline', path: '/hotline' },
    { name: 'call', path: `/hotline/${seeded.callId}` },
    { name: 'roster', path: '/hotline/roster' },
    { name: 'cases', path: '/cases' },
    { name: 'case', path: `/cases/${seeded.caseId}` },
    { name: 'case-graph', path: `/cases/${seeded.caseId}?tab=graph` },
    { name: 'case-import', path: `/cases/${seeded.caseId}?tab=import` },
    { name: 'case-people', path: `/cases/${seeded.caseId}?tab=people` },
    { name: 'search', path: `/search?q=${encodeURIComponent(seeded.searchTerm)}` },
    { name: 'contacts', path: '/contacts' },
    { name: 'pings', path: '/pings' },
    { name: 'figures', path: '/figures' },
    { name: 'peers', path: '/peers' },
    { name: 'settings', path: '/settings' },
    { name: 'users', path: '/users' },
    { name: 'audit', path: '/audit' },
    { name: 'taxii', path: '/taxii' },
    { name: 'exercises', path: '/exercises' },
    { name: 'exercise', path: `/exercises/${seeded.exerciseId}` },
    { name: 'exercise-evaluate', path: `/exercises/${seeded.exerciseId}/evaluate` },
    { name: 'exercise-hotwash', path: `/exercises/${seeded.exerciseId}/hotwash` },
    { name: 'exercise-aar', path: `/exercises/${seeded.exerciseId}/aar` },
    { name: 'scenario', path: '/exercises/scenarios/personnel-breach' },
    { name: 'scenario-edit', path: '/exercises/scenarios/personnel-breach/edit' },
  ];
}

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SIZES = {
  desktop: { viewport: { width: 1280, height: 800 }, isMobile: false },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true },
} as const;
export type Size = keyof typeof SIZES;

/**
 * A browser context logged in to `node` as its admin (through the API: the cookie lands in
 * the context), whose browser asks for `language` and has chosen it in the app too.
 * `bypassCSP` lets a test inject its own script (axe-core) into the pages.
 */
export async function languageContext(
  browser: Browser,
  node: NodeProcess,
  language: Language,
  size: Size = 'desktop',
  { timezoneId = 'America/New_York', bypassCSP = false } = {},
): Promise<BrowserContext> {
  const { viewport, isMobile } = SIZES[size];
  const context = await browser.newContext({
    locale: language === 'en' ? 'en-US' : 'zh-CN',
    timezoneId,
    // The node's CSP refuses inline scripts: a test that injects one (axe-core) bypasses it.
    bypassCSP,
    viewport,
    isMobile,
    hasTouch: isMobile,
  });
  await context.addInitScript((chosen: string) => {
    try {
      (
        globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
      ).localStorage.setItem('liaison.language', chosen);
    } catch {
      // no storage: the browser's language applies
    }
  }, language);
  const login = await context.request.post(`${node.url}/api/session`, {
    data: { username: 'admin', password: ADMIN_PASSWORD },
  });
  if (login.status() !== 200) throw new Error(`login to ${node.nodeId}: ${login.status()}`);
  return context;
}

/**
 * Opens `path` and waits until the page has its heading and nothing says it is loading
 * (in either language), then a moment for late layout.
 */
export async function openAndSettle(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('main h1').first().waitFor({ timeout: 30_000 });
  // A function, not a string: the node's CSP forbids eval, which a polled string needs.
  await page.waitForFunction(
    () => {
      // Runs in the page; the tests' TypeScript has no DOM library, hence the shape given here.
      const doc = (
        globalThis as unknown as {
          document: { querySelectorAll(s: string): Iterable<{ textContent: string | null }> };
        }
      ).document;
      return ![...doc.querySelectorAll('[role=status]')].some((e) =>
        /^(Loading…|正在加载…)$/.test((e.textContent ?? '').trim()),
      );
    },
    undefined,
    { timeout: 30_000 },
  );
  await page.evaluate(() =>
    (
      globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }
    ).document.fonts.ready.then(() => true),
  );
  await page.waitForTimeout(300);
}
