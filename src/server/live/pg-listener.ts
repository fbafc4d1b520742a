import pg from 'pg';
import type { Logger } from 'pino';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/**
 * A dedicated PostgreSQL connection that LISTENs on some channels: one per process. When it
 * is lost (the server restarted, a network cut, the backend terminated) it connects again,
 * waiting longer each time (up to LAST_RETRY_MS), and calls `connected` once it listens
 * again, so its user can catch up on what it missed meanwhile.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = FIRST_RETRY_MS;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      url: string;
      channels: readonly string[];
      log: Logger;
      notified: (channel: string, payload: string) => void;
      /** After each (re)connection, once it listens (errors are logged). */
      connected: () => Promise<void>;
    },
  ) {}

  /** The first connection: fails if the database cannot be reached. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url, keepAlive: true });
    client.on('notification', (message) => {
      if (this.client === client) this.options.notified(message.channel, message.payload ?? '');
    });
    const lost = (error?: Error): void => this.lost(client, error);
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      for (const channel of this.options.channels)
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    await this.options.connected().catch((error: unknown) => {
      this.options.log.error({ err: error }, 'catching up after (re)connecting failed');
    });
    this.retryMs = FIRST_RETRY_MS;
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    this.options.log.warn({ err: error }, 'the LISTEN connection was lost; connecting again');
    client.end().catch(() => undefined);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
    this.retry = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.options.log.warn({ err: error, retryMs: this.retryMs }, 'LISTEN connection failed');
        this.schedule();
      });
    }, wait);
    this.retry.unref();
  }
}
