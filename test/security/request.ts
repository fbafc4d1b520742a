import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/core/roles.js';
import { login, type Session } from '../harness/node.js';
import type { Caller, Method } from './matrix.js';
import type { Fixtures, World } from './world.js';

/** One request as the matrix and the fuzzer make it, by `caller`, through app.inject. */
export interface Probe {
  method: Method;
  /** The path with its parameters filled in, and its query string if any. */
  url: string;
  caller: Caller;
  auth?: 'session' | 'basic';
  /** A JSON body (serialized here) … */
  json?: unknown;
  /** … or a raw one with its content type. */
  raw?: { contentType: string; payload: string };
  /** Use this session instead of the caller's usual one. */
  session?: Session;
}

export function basicHeader(world: World, role: Role): string {
  const pair = `${world.usernames[role]}:${world.passwords[role]}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

export function send(world: World, probe: Probe): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (probe.caller !== 'anonymous') {
    if (probe.auth === 'basic') {
      headers['authorization'] = basicHeader(world, probe.caller);
    } else {
      const session = probe.session ?? world.sessions[probe.caller];
      headers['cookie'] = session.cookie;
      if (probe.method !== 'GET') headers['x-csrf-token'] = session.csrf;
    }
  }
  let payload: string | undefined;
  if (probe.raw) {
    headers['content-type'] = probe.raw.contentType;
    payload = probe.raw.payload;
  } else if (probe.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(probe.json);
  }
  return world.us.app.inject({
    method: probe.method,
    url: probe.url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
}

/** The status of an SSE stream's answer, over real HTTP (inject would wait for its end). */
export async function streamStatus(world: World, url: string, caller: Caller): Promise<number> {
  const headers: Record<string, string> = {};
  if (caller !== 'anonymous') headers['cookie'] = world.sessions[caller].cookie;
  const controller = new AbortController();
  try {
    const response = await fetch(new URL(url, world.usUrl), {
      headers,
      signal: controller.signal,
    });
    return response.status;
  } finally {
    controller.abort();
  }
}

export async function freshSession(world: World, role: Role): Promise<Session> {
  return login(world.us.app, world.usernames[role], world.passwords[role]);
}

/** An OpenAPI path ({id} style) with its parameters filled: a fixture's id, a literal, or `none`. */
export function fillPath(
  path: string,
  params: Record<string, keyof Fixtures | { literal: string }> | undefined,
  fixtures: Fixtures,
): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const given = params?.[name];
    const value =
      given === undefined
        ? fixtures.none
        : typeof given === 'string'
          ? fixtures[given]
          : given.literal;
    return encodeURIComponent(value);
  });
}
