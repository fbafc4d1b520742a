import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { CountryCode, NodeId } from '../core/schemas/common.js';
import { TimeZone } from '../core/schemas/accounts.js';
import { DEFAULT_JSON_DEPTH, DEFAULT_STIX_OBJECT_BYTES } from '../core/json-limits.js';

/** 2 GiB: a feed of millions of indicators as one STIX bundle. */
const DEFAULT_UPLOAD_BYTES = 2 * 1024 ** 3;

/**
 * The node's configuration: `config.yaml` in the data directory, then environment
 * overrides (ENV_OVERRIDES), validated once with zod and frozen. A wrong or missing value
 * raises ConfigError naming the key and what is expected; the CLI exits 2 on it.
 */
export const CONFIG_FILE = 'config.yaml';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const ConfigSchema = z
  .object({
    node: z
      .object({
        id: NodeId,
        name: z.string().min(1, 'a display name').max(200),
        country: CountryCode,
        timeZone: TimeZone,
      })
      .strict(),
    http: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /** The URL peers and browsers use to reach this node. */
        publicUrl: z
          .url({ error: 'an http(s) URL such as https://liaison.example.gov' })
          .optional(),
        tls: z
          .object({ certFile: z.string().min(1), keyFile: z.string().min(1) })
          .strict()
          .optional(),
        trustProxy: z.boolean().default(false),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, trustProxy: false }),
    store: z
      .discriminatedUnion('driver', [
        z
          .object({ driver: z.literal('sqlite'), file: z.string().min(1).default('liaison.db') })
          .strict(),
        z
          .object({
            driver: z.literal('postgres'),
            url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// connection string'),
            poolSize: z.number().int().min(1).max(200).default(10),
          })
          .strict(),
      ])
      .default({ driver: 'sqlite', file: 'liaison.db' }),
    auth: z
      .object({
        sessionIdleMinutes: z
          .number()
          .int()
          .min(5)
          .max(7 * 24 * 60)
          .default(12 * 60),
        sessionMaxHours: z
          .number()
          .int()
          .min(1)
          .max(90 * 24)
          .default(7 * 24),
        /**
         * Who must log in with a second factor (TOTP): nobody, the admins, or everyone. A
         * user it applies to who has none yet can only enrol one (docs/security.md).
         */
        requireSecondFactor: z.enum(['none', 'admins', 'all']).default('none'),
      })
      .strict()
      .default({
        sessionIdleMinutes: 12 * 60,
        sessionMaxHours: 7 * 24,
        requireSecondFactor: 'none',
      }),
    log: z
      .object({ level: LogLevel.default('info') })
      .strict()
      .default({ level: 'info' }),
    federation: z
      .object({
        /** How often the audit chain's head is sent to peers. */
        checkpointMinutes: z
          .number()
          .min(0.01)
          .max(24 * 60)
          .default(5),
      })
      .strict()
      .default({ checkpointMinutes: 5 }),
    hotline: z
      .object({
        /** A call the peer has not confirmed after this long is shown "not delivered". */
        deliveryTimeoutSeconds: z.number().min(0.5).max(60).default(3),
        /** The SMTP server hotline e-mails go through; none: e-mail channels are skipped. */
        smtp: z
          .object({
            host: z.string().min(1),
            port: z.number().int().min(1).max(65535).default(25),
            /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
            secure: z.boolean().default(false),
            from: z.email({ error: 'an e-mail address such as hotline@liaison.example.gov' }),
            user: z.string().min(1).optional(),
            password: z.string().min(1).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ deliveryTimeoutSeconds: 3 }),
    limits: z
      .object({
        /** The largest STIX object taken at any door (API, import, TAXII, peers). */
        stixObjectBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(DEFAULT_STIX_OBJECT_BYTES),
        /** The largest file an import upload may send (the CLI reads files of any size). */
        uploadBytes: z
          .number()
          .int()
          .min(1024 * 1024)
          .default(DEFAULT_UPLOAD_BYTES),
        /** Addresses the request-rate limits never apply to (src/server/http/rate-limits.ts). */
        rateExempt: z.array(z.string().min(1).max(100)).max(100).default([]),
        /** How deep JSON may nest in a request body or a STIX object. */
        jsonDepth: z.number().int().min(8).max(1000).default(DEFAULT_JSON_DEPTH),
      })
      .strict()
      .default({
        stixObjectBytes: DEFAULT_STIX_OBJECT_BYTES,
        jsonDepth: DEFAULT_JSON_DEPTH,
        uploadBytes: DEFAULT_UPLOAD_BYTES,
        rateExempt: [],
      }),
    metrics: z
      .object({
        /** The bearer token a Prometheus scraper sends; none: /metrics is closed. */
        token: z.string().min(24, 'at least 24 characters').max(200).optional(),
      })
      .strict()
      .default({}),
    outbound: z
      .object({
        /**
         * Hosts (`feeds.internal`, `10.1.2.3:8443`) and ranges (`10.0.0.0/8`) that URL
         * imports, TAXII subscriptions and webhooks may reach although they are loopback,
         * private, link-local or otherwise not public (src/server/outbound.ts).
         */
        allow: z.array(z.string().min(1).max(300)).max(1000).default([]),
      })
      .strict()
      .default({ allow: [] }),
    events: z
      .object({
        heartbeatSeconds: z.number().min(0.05).max(300).default(15),
        recentLogSize: z.number().int().min(10).max(100_000).default(5000),
      })
      .strict()
      .default({ heartbeatSeconds: 15, recentLogSize: 5000 }),
  })
  .strict();

export type ConfigInput = z.input<typeof ConfigSchema>;
export type ParsedConfig = z.infer<typeof ConfigSchema>;
export type Config = Readonly<ParsedConfig & { dataDir: string }>;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

type ValueKind = 'string' | 'integer' | 'boolean' | 'list';
/** Environment variables that override a key of the file. */
export const ENV_OVERRIDES: Record<string, { key: string[]; kind: ValueKind }> = {
  LIAISON_HTTP_HOST: { key: ['http', 'host'], kind: 'string' },
  LIAISON_HTTP_PORT: { key: ['http', 'port'], kind: 'integer' },
  LIAISON_PUBLIC_URL: { key: ['http', 'publicUrl'], kind: 'string' },
  /** true behind a reverse proxy (deploy/nginx): client addresses from X-Forwarded-For. */
  LIAISON_TRUST_PROXY: { key: ['http', 'trustProxy'], kind: 'boolean' },
  LIAISON_DATABASE_URL: { key: ['store', 'url'], kind: 'string' },
  LIAISON_LOG_LEVEL: { key: ['log', 'level'], kind: 'string' },
  LIAISON_SMTP_HOST: { key: ['hotline', 'smtp', 'host'], kind: 'string' },
  LIAISON_SMTP_PORT: { key: ['hotline', 'smtp', 'port'], kind: 'integer' },
  LIAISON_SMTP_FROM: { key: ['hotline', 'smtp', 'from'], kind: 'string' },
  LIAISON_NODE_NAME: { key: ['node', 'name'], kind: 'string' },
  LIAISON_CHECKPOINT_MINUTES: { key: ['federation', 'checkpointMinutes'], kind: 'integer' },
  LIAISON_METRICS_TOKEN: { key: ['metrics', 'token'], kind: 'string' },
  /** none, admins or all. */
  LIAISON_REQUIRE_SECOND_FACTOR: { key: ['auth', 'requireSecondFactor'], kind: 'string' },
  LIAISON_RATE_EXEMPT: { key: ['limits', 'rateExempt'], kind: 'list' },
  /** Comma-separated, replaces the file's list. */
  LIAISON_OUTBOUND_ALLOW: { key: ['outbound', 'allow'], kind: 'list' },
};

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let cursor = target;
  for (const key of keys.slice(0, -1)) {
    const next = cursor[key];
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) {
      cursor[key] = {};
    }
    cursor = cursor[key] as Record<string, unknown>;
  }
  cursor[keys[keys.length - 1] as string] = value;
}

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: string[]): void {
  for (const [name, { key, kind }] of Object.entries(ENV_OVERRIDES)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    let value: unknown = text;
    if (kind === 'integer') {
      if (!/^-?\d+$/.test(text.trim())) {
        problems.push(
          `${name} (${key.join('.')}): expected an integer, got ${JSON.stringify(text)}`,
        );
        continue;
      }
      value = Number.parseInt(text, 10);
    } else if (kind === 'boolean') {
      if (!['true', 'false'].includes(text)) {
        problems.push(
          `${name} (${key.join('.')}): expected true or false, got ${JSON.stringify(text)}`,
        );
        continue;
      }
      value = text === 'true';
    } else if (kind === 'list') {
      value = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    }
    if (name === 'LIAISON_DATABASE_URL') {
      // The URL switches the node to PostgreSQL, whatever the file says.
      const store = raw['store'];
      const poolSize =
        store && typeof store === 'object'
          ? (store as Record<string, unknown>)['poolSize']
          : undefined;
      raw['store'] = {
        driver: 'postgres',
        url: value,
        ...(poolSize === undefined ? {} : { poolSize }),
      };
      continue;
    }
    setPath(raw, key, value);
  }
}

function describeReceived(raw: unknown, keys: PropertyKey[]): string {
  let cursor: unknown = raw;
  for (const key of keys) {
    if (cursor === null || typeof cursor !== 'object') return 'nothing';
    cursor = (cursor as Record<PropertyKey, unknown>)[key];
  }
  if (cursor === undefined) return 'nothing';
  return JSON.stringify(cursor) ?? typeof cursor;
}

/** Validates raw configuration data (as read from YAML, plus env). */
export function parseConfig(
  raw: unknown,
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
  source = 'configuration',
): Config {
  const problems: string[] = [];
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: expected a mapping of keys to values at the top level`, [
      'top level: expected a mapping',
    ]);
  }
  const data = structuredClone(raw) as Record<string, unknown>;
  applyEnv(data, env, problems);
  const result = ConfigSchema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.map(String).join('.') || '(top level)';
      const got =
        issue.code === 'unrecognized_keys' ? '' : `, got ${describeReceived(data, issue.path)}`;
      problems.push(`${key}: ${issue.message}${got}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`${source} is not valid:\n  - ${problems.join('\n  - ')}`, problems);
  }
  const parsed = result.data as ParsedConfig;
  if (parsed.store.driver === 'sqlite' && !path.isAbsolute(parsed.store.file)) {
    parsed.store.file = path.join(dataDir, parsed.store.file);
  }
  return deepFreeze({ ...parsed, dataDir: path.resolve(dataDir) });
}

/** Reads DATA/config.yaml, applies the environment, validates. */
export function loadConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): Config {
  const file = path.join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `${file} does not exist. Create a node first: liaison init --node-id ID --name NAME --country CC --data ${dataDir}`
        : `${file} cannot be read: ${(error as Error).message}`,
      [`${file}: missing or unreadable`],
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message : String(error);
    throw new ConfigError(`${file} is not valid YAML: ${detail}`, [detail]);
  }
  return parseConfig(raw, dataDir, env, file);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Whether cookies must be Secure: the node speaks TLS itself or is published over https. */
export function usesTls(config: Config): boolean {
  return config.http.tls !== undefined || (config.http.publicUrl?.startsWith('https://') ?? false);
}

export function publicUrlOf(config: Config): string {
  if (config.http.publicUrl) return config.http.publicUrl.replace(/\/$/, '');
  const scheme = config.http.tls ? 'https' : 'http';
  const host =
    config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return `${scheme}://${host}:${config.http.port}`;
}
