import { randomUUID } from 'node:crypto';
import type { CreateTokenBody, TokenView } from '../../../core/schemas/accounts.js';
import { actorUserId, authorize, type Actor } from '../../actor.js';
import { appendAudit } from '../../audit/audit.js';
import type { Clock } from '../../clock.js';
import { badRequest, forbidden, notFound } from '../../errors.js';
import type { Db, Store } from '../../store/database.js';
import { presentToken, rolesOf } from './accounts.present.js';
import type { AuthCache } from './auth-cache.js';
import * as repo from './accounts.repository.js';
import type { ApiTokenRow } from './accounts.table.js';
import { randomSecret, sameSecretHash, sha256Hex } from './passwords.js';
import { dedupe, requireUser } from './users.service.js';

const TOKEN_PREFIX = 'lsn_';

export interface TokensDeps {
  store: Store;
  clock: Clock;
  authCache: AuthCache;
}

/** API tokens (`lsn_<id>.<secret>`): machines acting for a user, with at most its roles. */
export class TokensService {
  constructor(private readonly deps: TokensDeps) {}

  private get db(): Db {
    return this.deps.store.db;
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /**
   * The actor behind an API token (`lsn_<id>.<secret>`), or undefined. A token verified in
   * the last AUTH_CACHE_MS is not looked up again (auth-cache.ts) unless the accounts changed
   * meanwhile (through any process); its expiry still counts.
   */
  async authenticateToken(token: string): Promise<Actor | undefined> {
    const key = `token:${sha256Hex(token)}`;
    const epoch = await this.deps.authCache.fresh(this.deps.store);
    const cached = this.deps.authCache.get(key);
    if (cached && (cached.expiresAt === null || cached.expiresAt > this.now())) {
      return cached.actor;
    }
    const actor = await this.verifyToken(token);
    if (actor) {
      this.deps.authCache.set(key, { actor: actor.actor, expiresAt: actor.expiresAt }, epoch);
    }
    return actor?.actor;
  }

  private async verifyToken(
    token: string,
  ): Promise<{ actor: Actor; expiresAt: number | null } | undefined> {
    const match = /^lsn_([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
    if (!match) return undefined;
    const [, id, secret] = match as unknown as [string, string, string];
    const row = await repo.findToken(this.db, id);
    const now = this.now();
    if (!row || row.revoked_at !== null) return undefined;
    if (!sameSecretHash(row.secret_hash, sha256Hex(secret))) return undefined;
    if (row.expires_at !== null && Number(row.expires_at) <= now) return undefined;
    const user = await repo.findUser(this.db, row.user_id);
    if (!user || user.disabled === 1) return undefined;
    // A token never has more rights than its user has now.
    const userRoles = rolesOf(user);
    const roles = rolesOf(row).filter((role) => userRoles.includes(role));
    if (row.last_used_at === null || now - Number(row.last_used_at) > 60_000) {
      await repo.markTokenUsed(this.db, id, now);
    }
    return {
      actor: { kind: 'token', userId: user.id, username: user.username, roles, tokenId: id },
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    };
  }

  /** Creates an API token for the actor (or, for an admin, for another user). */
  async createToken(
    actor: Actor,
    body: CreateTokenBody,
    forUserId?: string,
  ): Promise<{ token: TokenView; secret: string }> {
    const ownId = actorUserId(actor);
    const userId = forUserId ?? ownId;
    if (!userId) throw badRequest('user_required', 'Name the user the token acts for.');
    if (userId !== ownId) authorize(actor, 'users.manage');
    if (actor.kind === 'token') throw forbidden('An API token cannot create tokens.');
    const now = this.now();
    const id = randomUUID();
    const secret = randomSecret();
    const row = await this.deps.store.transaction(async (trx) => {
      const user = await requireUser(trx, userId);
      const userRoles = rolesOf(user);
      const extra = body.roles.filter((role) => !userRoles.includes(role));
      if (extra.length > 0) {
        throw forbidden(`A token cannot have roles its user does not have: ${extra.join(', ')}.`);
      }
      const token: ApiTokenRow = {
        id,
        user_id: userId,
        name: body.name,
        secret_hash: sha256Hex(secret),
        roles: JSON.stringify(dedupe(body.roles)),
        created_at: now,
        expires_at: body.expiresInDays ? now + body.expiresInDays * 86_400_000 : null,
        last_used_at: null,
        revoked_at: null,
      };
      await repo.insertToken(trx, token);
      await appendAudit(trx, {
        actor,
        at: now,
        action: 'token.create',
        entityType: 'api_token',
        entityId: id,
        after: { ...token, secret_hash: undefined },
        details: { name: body.name, userId, roles: body.roles },
      });
      return token;
    });
    return { token: presentToken(row), secret: `${TOKEN_PREFIX}${id}.${secret}` };
  }

  async listTokens(actor: Actor, options: { all?: boolean } = {}): Promise<TokenView[]> {
    if (options.all) authorize(actor, 'users.manage');
    const rows = await repo.listTokens(this.db, options.all ? undefined : actorUserId(actor));
    return rows.map(presentToken);
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    await this.deps.store.transaction(async (trx) => {
      const row = await repo.findToken(trx, id);
      if (!row || row.revoked_at !== null)
        throw notFound('token_not_found', `No active token has the id ${id}.`);
      if (row.user_id !== actorUserId(actor)) authorize(actor, 'users.manage');
      await repo.revokeToken(trx, id, this.now());
      await appendAudit(trx, {
        actor,
        at: this.now(),
        action: 'token.revoke',
        entityType: 'api_token',
        entityId: id,
        details: { name: row.name, userId: row.user_id },
      });
    });
    this.deps.authCache.clear();
  }
}
