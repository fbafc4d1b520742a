import type {
  CreateTokenBody,
  CreateUserBody,
  UpdateUserBody,
} from '../../../core/schemas/accounts.js';
import type { Actor } from '../../actor.js';
import { AuthCache } from './auth-cache.js';
import { SecondFactorService, type SecondFactorDeps } from './second-factor.service.js';
import { SessionsService, type SessionsDeps } from './sessions.service.js';
import { TokensService, type TokensDeps } from './tokens.service.js';
import { UsersService, type UsersDeps } from './users.service.js';

export type AccountsDeps = Omit<
  UsersDeps & SessionsDeps & TokensDeps & SecondFactorDeps,
  'authCache' | 'secondFactor'
>;

/**
 * The face of accounts on the node (`node.accounts`): its three use-case services, and the
 * administration the CLI, `liaison init` and the tests call on the node itself.
 */
export class AccountsService {
  readonly users: UsersService;
  readonly sessions: SessionsService;
  readonly tokens: TokensService;
  readonly secondFactor: SecondFactorService;

  constructor(accountsDeps: AccountsDeps) {
    // One cache of verified credentials, which every change to accounts clears.
    const deps = { ...accountsDeps, authCache: new AuthCache() };
    this.users = new UsersService(deps);
    this.secondFactor = new SecondFactorService(deps);
    this.sessions = new SessionsService({ ...deps, secondFactor: this.secondFactor });
    this.tokens = new TokensService(deps);
  }

  listUsers(actor: Actor) {
    return this.users.listUsers(actor);
  }

  findByUsername(actor: Actor, username: string) {
    return this.users.findByUsername(actor, username);
  }

  createUser(actor: Actor, body: CreateUserBody, options?: { mustChangePassword?: boolean }) {
    return this.users.createUser(actor, body, options);
  }

  updateUser(actor: Actor, id: string, body: UpdateUserBody) {
    return this.users.updateUser(actor, id, body);
  }

  resetPassword(actor: Actor, id: string) {
    return this.users.resetPassword(actor, id);
  }

  createToken(actor: Actor, body: CreateTokenBody, forUserId?: string) {
    return this.tokens.createToken(actor, body, forUserId);
  }

  listTokens(actor: Actor, options?: { all?: boolean }) {
    return this.tokens.listTokens(actor, options);
  }

  revokeToken(actor: Actor, id: string) {
    return this.tokens.revokeToken(actor, id);
  }
}
