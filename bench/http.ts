import http from 'node:http';

/**
 * A small HTTP client for the benches, on node:http rather than fetch: it costs the client
 * less CPU (on a 2-core machine the client competes with the node it measures), and each
 * phase gets its own keep-alive agent, so no phase reuses a socket that sat idle through an
 * earlier one (a long import, or a baseline computed synchronously) and that the node has
 * since closed: that reuse is what made the stix bench die with "other side closed".
 */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Call {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** A phase's keep-alive agent; none: a fresh connection, closed after the answer. */
  agent?: http.Agent;
}

/** A keep-alive agent for one phase of a bench; destroy it when the phase ends. */
export function phaseAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 64 });
}

export function send(url: string, call: Call = {}): Promise<Answer> {
  const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: call.method ?? 'GET',
        agent: call.agent ?? false,
        headers: {
          ...call.headers,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** `send`, its failure naming the bench's step. */
async function sendIn(step: string, url: string, call: Call): Promise<Answer> {
  try {
    return await send(url, call);
  } catch (error) {
    throw new Error(`${step}: ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A call that must answer `status`; else the bench stops, naming `step`. */
export async function expectStatus(
  step: string,
  status: number,
  url: string,
  call: Call = {},
): Promise<Answer> {
  const answer = await sendIn(step, url, call);
  if (answer.status !== status) {
    throw new Error(`${step}: HTTP ${answer.status}: ${answer.body.toString().slice(0, 500)}`);
  }
  return answer;
}

export function json<T>(answer: Answer): T {
  return JSON.parse(answer.body.toString()) as T;
}

export interface Load {
  latencies: number[];
  requests: number;
  seconds: number;
}

/**
 * `readers` clients asking `next()`'s URLs for `seconds`, each waiting for its answer, on
 * one agent of their own; any answer but 200 fails the step.
 */
export async function load(
  step: string,
  readers: number,
  seconds: number,
  next: () => string,
  headers: Record<string, string>,
): Promise<Load> {
  const agent = phaseAgent();
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const began = performance.now();
  let failed: string | undefined;
  try {
    await Promise.all(
      Array.from({ length: readers }, async () => {
        while (performance.now() < until && failed === undefined) {
          const start = performance.now();
          const answer = await sendIn(step, next(), { headers, agent });
          if (answer.status !== 200) {
            failed = `HTTP ${answer.status}: ${answer.body.toString().slice(0, 300)}`;
          }
          latencies.push(performance.now() - start);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  if (failed !== undefined) throw new Error(`${step}: ${failed}`);
  return { latencies, requests: latencies.length, seconds: (performance.now() - began) / 1000 };
}

/** `count` calls one after another (a user's clicks), each timed; all must answer 200. */
export async function sequential(
  step: string,
  count: number,
  next: (i: number) => string,
  headers: Record<string, string>,
  check: (answer: Answer, url: string) => void = () => undefined,
): Promise<number[]> {
  const agent = phaseAgent();
  const latencies: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const url = next(i);
      const start = performance.now();
      const answer = await sendIn(step, url, { headers, agent });
      latencies.push(performance.now() - start);
      if (answer.status !== 200) {
        throw new Error(`${step}: ${url}: HTTP ${answer.status}: ${answer.body.toString()}`);
      }
      check(answer, url);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}
