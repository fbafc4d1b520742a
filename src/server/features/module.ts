import type { FastifyInstance } from 'fastify';
import type { Migration } from 'kysely';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { OutboundGuard } from '../outbound.js';
import type { Config } from '../config.js';
import type { EventBus } from '../events.js';
import type { Federation } from '../federation/federation.js';
import type { MessageKind } from '../federation/kinds.js';
import type { Store } from '../store/database.js';
import type { TimerKind, TimerWorker } from '../timers/timers.js';

/**
 * The module contract. A feature is a folder under `features/` whose `index.ts` exports one
 * factory; `features/index.ts` lists the factories in the order they are created, and
 * `node.ts` and `app.ts` loop over that list. Nothing outside the folder names the feature
 * except that one line (and the web router).
 *
 * The services a feature puts on the node are typed here by augmentation, from the
 * feature's `index.ts`:
 *
 *   declare module '../module.js' { interface FeatureServices { notes: NotesService } }
 *
 * so `node.notes` is typed without `node.ts` knowing notes exist.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by augmentation
export interface FeatureServices {}

/** What the composition root gives every feature. */
export interface FeatureContext {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly bus: EventBus;
  readonly timers: TimerWorker;
  readonly federation: Federation;
  readonly metrics: Registry;
  readonly nodeId: string;
  readonly nodeName: string;
  readonly timeZone: string;
  readonly publicUrl: string;
  readonly secureCookies: boolean;
  readonly dataDir: string;
  /** The one way out for fetches a user can aim (URL imports, subscriptions, webhooks). */
  readonly outbound: OutboundGuard;
  /**
   * A service of a feature created earlier in the list. Features reach each other's
   * services only through this (and through `public.ts` for types and pure helpers).
   */
  use<K extends keyof FeatureServices>(name: K): FeatureServices[K];
}

/** What a feature gives the node. Every part but `name` and `services` is optional. */
export interface FeatureModule {
  readonly name: string;
  /** Put on the node (`node.<key>`) and offered to later features by `use()`. */
  readonly services: Partial<FeatureServices>;
  /** Its HTTP routes, registered by app.ts. */
  routes?(app: FastifyInstance): void | Promise<void>;
  /** The federation message kinds it handles. */
  readonly kinds?: readonly MessageKind[];
  /** Its timer kinds, each with a payload schema checked when a timer fires. */
  readonly timers?: readonly TimerKind[];
  /** Its own migrations (names YYYY_MM_DD_HHMM_what, merged with the store's by date). */
  readonly migrations?: Readonly<Record<string, Migration>>;
  /** After migration, before the node serves: start workers, make sure timers exist. */
  start?(): Promise<void>;
  /** At close, in reverse order of the list, before the store closes. */
  stop?(): Promise<void>;
}

export type FeatureFactory = (context: FeatureContext) => FeatureModule;

/** Declares a message kind with its body type inferred from its schema. */
export function messageKind<S extends MessageKind['schema']>(kind: MessageKind<S>): MessageKind {
  return kind;
}
