import type { z } from 'zod';
import type { Trx, TxHooks } from '../store/database.js';
import type { SignedMessage } from './envelope.js';
import type { PeerRow } from './federation.table.js';

/**
 * Message kinds: each feature registers the kinds it sends and handles, with a zod schema.
 * The inbox validates a payload before its handler runs; a handler runs inside the batch's
 * transaction and may throw to refuse the message (recorded and reported to the sender).
 */
export interface HandlerContext {
  peer: PeerRow;
  message: SignedMessage;
  hooks: TxHooks;
}

export interface MessageKind<S extends z.ZodType = z.ZodType> {
  kind: string;
  schema: S;
  handle(trx: Trx, body: z.infer<S>, context: HandlerContext): Promise<void>;
}

export class KindRegistry {
  private readonly kinds = new Map<string, MessageKind>();

  register<S extends z.ZodType>(kind: MessageKind<S>): void {
    if (this.kinds.has(kind.kind))
      throw new Error(`message kind ${kind.kind} is already registered`);
    this.kinds.set(kind.kind, kind);
  }

  get(kind: string): MessageKind | undefined {
    return this.kinds.get(kind);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }
}
