import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable, Transform } from 'node:stream';
import ipaddr from 'ipaddr.js';
import { type AppError, badRequest, tooLarge } from './errors.js';

/**
 * The one way out for fetches a user can aim (URL imports, TAXII subscriptions, webhooks):
 * only http(s), no credentials inside the URL, and never to loopback, private, link-local,
 * unique-local, CGNAT, multicast, reserved or unspecified addresses — in any spelling the URL
 * parser accepts (0x7f000001, 2130706433, [::ffff:127.0.0.1]) — unless the node's config
 * allows the host or range (`outbound.allow`). The name is resolved once, and the connection
 * goes to the address that was checked (the check runs inside the socket's own lookup), so a
 * name cannot resolve to a public address for the check and a private one for the connect.
 * Redirects are followed by hand, each hop checked again. Every attempt, each hop, is told to
 * `onFetch` (the node audits it) with the address the socket reached, or why none was.
 */
export interface OutboundInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whole request, headers to last byte of the body (default 60 s). */
  timeoutMs?: number;
  /** Redirects followed, each checked (default 5). */
  maxRedirects?: number;
  /**
   * The most bytes of body taken: a larger Content-Length is refused before the body is
   * read, and a body that runs past it fails mid-stream (413 response_too_large), so a
   * remote server cannot fill the node's memory. Unset: no cap (a streamed import).
   */
  maxBytes?: number;
}

/** One fetch attempt (one hop), for the audit log: where it went and how it ended. */
export interface OutboundRecord {
  method: string;
  /** Scheme, host, port and path: the query is left out (it may hold a feed's key). */
  url: string;
  /** The address and port the connection reached, when it got that far. */
  address: string | null;
  status: number | null;
  /** Why no answer came (refused by the guard, timed out, connection error). */
  error: string | null;
}

export type OutboundAudit = (record: OutboundRecord) => Promise<void>;

/** Address ranges ipaddr.js names that a user's URL may reach without the allow-list. */
const PUBLIC_RANGES = new Set(['unicast']);

interface Allowed {
  ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  hosts: Set<string>;
}

function parseAllow(entries: readonly string[]): Allowed {
  const allowed: Allowed = { ranges: [], hosts: new Set() };
  for (const entry of entries) {
    const text = entry.trim().toLowerCase();
    if (text === '') continue;
    if (text.includes('/') && ipaddr.isValidCIDR(text)) {
      allowed.ranges.push(ipaddr.parseCIDR(text));
    } else if (ipaddr.isValid(text)) {
      const address = ipaddr.parse(text);
      allowed.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else {
      allowed.hosts.add(text);
    }
  }
  return allowed;
}

function normalized(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  // ::ffff:127.0.0.1 is 127.0.0.1.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

function overCap(url: URL, maxBytes: number): AppError {
  return tooLarge(
    'response_too_large',
    `${url.host} answered more than ${maxBytes} bytes; this node takes at most that.`,
  );
}

/** The response's body, failing once it runs past `maxBytes` (none: as it is). */
function capped(response: IncomingMessage, url: URL, maxBytes: number | undefined): Readable {
  if (maxBytes === undefined) return response;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw overCap(url, maxBytes);
  }
  let seen = 0;
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) {
        response.destroy();
        done(overCap(url, maxBytes));
      } else done(null, chunk);
    },
  });
  response.on('error', (error) => counting.destroy(error));
  return response.pipe(counting);
}

/** 400 outbound_refused: where the URL leads, and what would allow it. */
function refused(url: URL, reason: string): AppError {
  return badRequest(
    'outbound_refused',
    `${url.host} ${reason}; this node does not fetch from such addresses unless its configuration allows the host (outbound.allow).`,
  );
}

export class OutboundGuard {
  private readonly allowed: Allowed;

  constructor(
    allow: readonly string[] = [],
    private readonly onFetch: OutboundAudit = async () => {},
  ) {
    this.allowed = parseAllow(allow);
  }

  /** Why `address` may not be reached, or null when it may. */
  private verdict(address: string): string | null {
    if (!ipaddr.isValid(address)) return `resolves to ${address}, which is not an IP address`;
    const ip = normalized(address);
    if (
      this.allowed.ranges.some(([base, bits]) => base.kind() === ip.kind() && ip.match(base, bits))
    ) {
      return null;
    }
    const range = ip.range();
    return PUBLIC_RANGES.has(range) ? null : `is ${ip.toString()}, a ${range} address`;
  }

  /** Refuses, before any connection, a URL this node may not fetch. */
  checkUrl(text: string): URL {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw badRequest('invalid_url', `${JSON.stringify(text)} is not a URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw badRequest('invalid_url', `Only http and https URLs are fetched, not ${url.protocol}.`);
    }
    if (url.username || url.password) {
      throw badRequest(
        'url_credentials',
        'The URL holds a user name or password; give credentials in the authentication fields, not in the URL.',
      );
    }
    if (this.hostAllowed(url)) return url;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (ipaddr.isValid(host)) {
      const why = this.verdict(host);
      if (why) throw refused(url, why);
    } else if (host === 'localhost' || host.endsWith('.localhost')) {
      throw refused(url, 'is this machine');
    }
    return url;
  }

  /**
   * The URL checked, and its name resolved and checked too: for a user's answer now (the
   * fetch checks again, on the address it connects to).
   */
  async check(text: string): Promise<URL> {
    const url = this.checkUrl(text);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (this.hostAllowed(url) || ipaddr.isValid(host)) return url;
    const addresses = await new Promise<LookupAddress[]>((resolve) =>
      dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found)),
    );
    // A name that does not resolve now may later (DNS down, a feed not up yet): the fetch
    // checks then, on the address it connects to.
    for (const { address } of addresses) {
      const why = this.verdict(address);
      if (why) throw refused(url, `resolves to ${address}, which ${why}`);
    }
    return url;
  }

  private hostAllowed(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    return this.allowed.hosts.has(host) || this.allowed.hosts.has(`${host}:${url.port}`);
  }

  /** The socket's lookup: resolves once, refuses what may not be reached, connects there. */
  private lookupFor(url: URL): LookupFunction {
    const skip = this.hostAllowed(url);
    return (hostname, options, callback) => {
      dnsLookup(hostname, { all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 0);
        const usable = skip ? addresses : addresses.filter((a) => this.verdict(a.address) === null);
        const first = usable[0];
        if (!first) {
          const why = this.verdict(addresses[0]?.address ?? '') ?? 'has no address';
          return callback(refused(url, why), '', 0);
        }
        if ((options as { all?: boolean }).all) {
          (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [first]);
        } else callback(null, first.address, first.family);
      });
    };
  }

  /** Like fetch(), through the guard; a Response whose body streams. */
  async fetch(text: string, init: OutboundInit = {}): Promise<Response> {
    let url = this.checkUrl(text);
    const deadline = Date.now() + (init.timeoutMs ?? 60_000);
    for (let hop = 0; ; hop++) {
      const response = await this.audited(url, init, deadline);
      const location = response.headers.location;
      if (
        response.statusCode &&
        response.statusCode >= 300 &&
        response.statusCode < 400 &&
        location
      ) {
        response.resume();
        if (hop >= (init.maxRedirects ?? 5)) {
          throw badRequest(
            'too_many_redirects',
            `${text} redirects more than ${init.maxRedirects ?? 5} times.`,
          );
        }
        url = await this.checkHop(new URL(location, url), init);
        continue;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (typeof value === 'string') headers.set(name, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      }
      const status = response.statusCode ?? 502;
      const body =
        status === 204 || status === 304
          ? null
          : (Readable.toWeb(capped(response, url, init.maxBytes)) as ReadableStream);
      return new Response(body, { status, statusText: response.statusMessage ?? '', headers });
    }
  }

  /** A redirect's target, checked; a refusal is audited like any other hop's end. */
  private async checkHop(next: URL, init: OutboundInit): Promise<URL> {
    try {
      return this.checkUrl(next.toString());
    } catch (error) {
      await this.onFetch({
        ...this.recordOf(next, init),
        error: error instanceof Error ? error.message : String(error),
      }).catch(() => {});
      throw error;
    }
  }

  private recordOf(url: URL, init: OutboundInit): OutboundRecord {
    return {
      method: init.method ?? 'GET',
      url: `${url.protocol}//${url.host}${url.pathname}`,
      address: null,
      status: null,
      error: null,
    };
  }

  /** One hop, told to the audit whether it answered or not. */
  private async audited(url: URL, init: OutboundInit, deadline: number): Promise<IncomingMessage> {
    const record = this.recordOf(url, init);
    try {
      const response = await this.once(url, init, deadline);
      const socket = response.socket;
      record.address = socket?.remoteAddress
        ? `${socket.remoteAddress}${socket.remotePort ? `:${socket.remotePort}` : ''}`
        : null;
      record.status = response.statusCode ?? null;
      await this.onFetch(record);
      return response;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      await this.onFetch(record).catch(() => {});
      throw error;
    }
  }

  private once(url: URL, init: OutboundInit, deadline: number): Promise<IncomingMessage> {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers ?? {},
          lookup: this.lookupFor(url),
          timeout: Math.max(1, deadline - Date.now()),
        },
        resolve,
      );
      request.on('timeout', () => request.destroy(new Error(`no answer from ${url.host} in time`)));
      request.on('error', reject);
      request.end(init.body);
    });
  }
}
