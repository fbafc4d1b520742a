import type { JWK } from 'jose';
import { importJWK } from 'jose';
import { fingerprintOf } from '../../core/fingerprint.js';
import type { Db } from '../store/database.js';
import {
  deleteKeyByKid,
  generateNodeKeys,
  readKeyByKid,
  replaceCurrentKeyFiles,
  writeKeyByKid,
  type KeyPairJwk,
  type NodeKeys,
} from './keys.js';

/**
 * All of this node's keys, by id: the current signing and encryption keys and the retired
 * ones still in their grace period (docs/federation.md, "Key rotation").
 *
 * Which key is current is a row of `node_keys`, changed in the transaction that queues the
 * announcement to the peers; the private parts live in DATA/keys (mode 0600), written
 * before that transaction commits. So every process of the node (the server, the CLI, a
 * second API process) finds the key a row names, and none keeps signing with a key that
 * was retired in another process. Before the first rotation the table is empty and the
 * keys loaded at start are the current ones.
 */
export type ImportedKey = Awaited<ReturnType<typeof importJWK>>;

export interface CurrentKids {
  signing: string;
  encryption: string;
}

export class KeyRing {
  private readonly material = new Map<string, JWK>();
  private readonly imported = new Map<string, Promise<ImportedKey>>();

  private readonly initial: NodeKeys;

  constructor(loaded: NodeKeys) {
    this.initial = { ...loaded };
    this.remember(loaded.signing.privateJwk);
    this.remember(loaded.encryption.privateJwk);
  }

  /** The signing key of a stream with no key recorded (before the node's first rotation). */
  get initialSigningKid(): string {
    return this.initial.signing.kid;
  }

  /** The data directory holding the key files; undefined for keys held in memory (tests). */
  get dataDir(): string | undefined {
    return this.initial.dataDir;
  }

  private remember(jwk: JWK): void {
    if (jwk.kid) this.material.set(jwk.kid, jwk);
  }

  /** The private key with this id, from memory or the data directory. */
  privateJwk(kid: string): JWK | undefined {
    let jwk = this.material.get(kid);
    if (!jwk && this.dataDir) {
      jwk = readKeyByKid(this.dataDir, kid);
      if (jwk) this.remember(jwk);
    }
    return jwk;
  }

  /** The imported private key with this id (EdDSA or ECDH-ES+A256KW by its curve). */
  key(kid: string): Promise<ImportedKey> {
    let key = this.imported.get(kid);
    if (!key) {
      const jwk = this.privateJwk(kid);
      if (!jwk) return Promise.reject(new Error(`this node holds no key with id ${kid}`));
      key = importJWK(jwk, jwk.crv === 'Ed25519' ? 'EdDSA' : 'ECDH-ES+A256KW');
      this.imported.set(kid, key);
    }
    return key;
  }

  /** The ids of the current keys. */
  async current(db: Db): Promise<CurrentKids> {
    const rows = await db
      .selectFrom('node_keys')
      .select(['kid', 'use'])
      .where('state', '=', 'current')
      .execute();
    const signing = rows.find((r) => r.use === 'sig')?.kid;
    const encryption = rows.find((r) => r.use === 'enc')?.kid;
    if (!signing || !encryption) {
      return { signing: this.initial.signing.kid, encryption: this.initial.encryption.kid };
    }
    return { signing, encryption };
  }

  /** The current keys as NodeKeys (public and private parts, fingerprint). */
  async currentKeys(db: Db): Promise<NodeKeys> {
    const kids = await this.current(db);
    if (
      kids.signing === this.initial.signing.kid &&
      kids.encryption === this.initial.encryption.kid
    )
      return this.initial;
    const pair = (kid: string): KeyPairJwk => {
      const privateJwk = this.privateJwk(kid);
      if (!privateJwk) throw new Error(`this node holds no key with id ${kid}`);
      const { d: _d, ...publicJwk } = privateJwk;
      return { privateJwk, publicJwk, kid };
    };
    return {
      signing: pair(kids.signing),
      encryption: pair(kids.encryption),
      fingerprint: fingerprintOf(kids.signing, kids.encryption),
      ...(this.dataDir ? { dataDir: this.dataDir } : {}),
    };
  }

  /** Records the keys loaded at start as the current ones, if no key is recorded yet. */
  async record(trx: Db, now: number): Promise<void> {
    const any = await trx.selectFrom('node_keys').select('kid').limit(1).executeTakeFirst();
    if (any) return;
    for (const pair of [this.initial.signing, this.initial.encryption]) {
      if (this.dataDir) writeKeyByKid(this.dataDir, { ...pair.privateJwk, kid: pair.kid });
      await trx
        .insertInto('node_keys')
        .values({
          kid: pair.kid,
          use: pair === this.initial.signing ? 'sig' : 'enc',
          public_jwk: JSON.stringify(pair.publicJwk),
          state: 'current',
          created_at: now,
        })
        .execute();
    }
  }

  /** New keys, kept under their ids (on disk, mode 0600, when the node has a data directory). */
  async generate(): Promise<NodeKeys> {
    const keys = await generateNodeKeys();
    for (const pair of [keys.signing, keys.encryption]) {
      if (this.dataDir) writeKeyByKid(this.dataDir, { ...pair.privateJwk, kid: pair.kid });
      this.remember(pair.privateJwk);
    }
    return keys;
  }

  /** Private keys that may open an envelope sealed to this node now: current and in grace. */
  async decryptionKeys(db: Db, now: number): Promise<JWK[]> {
    const rows = await db
      .selectFrom('node_keys')
      .select(['kid', 'state', 'expires_at'])
      .where('use', '=', 'enc')
      .execute();
    // The current key first: it opens an envelope that names no key.
    const kids = rows
      .filter((r) => r.state === 'current' || (r.expires_at !== null && Number(r.expires_at) > now))
      .sort((x, y) => Number(y.state === 'current') - Number(x.state === 'current'))
      .map((r) => r.kid);
    if (kids.length === 0) kids.push(this.initial.encryption.kid);
    return kids.flatMap((kid) => {
      const jwk = this.privateJwk(kid);
      return jwk ? [jwk] : [];
    });
  }

  /** Makes the key files a restart loads the current keys (after a rotation committed). */
  syncCurrentFiles(keys: NodeKeys): void {
    if (!this.dataDir) return;
    replaceCurrentKeyFiles(
      this.dataDir,
      { ...keys.signing.privateJwk, kid: keys.signing.kid },
      { ...keys.encryption.privateJwk, kid: keys.encryption.kid },
    );
  }

  /** Forgets a retired key whose grace ended, and deletes its file. */
  forget(kid: string): void {
    this.material.delete(kid);
    this.imported.delete(kid);
    if (this.dataDir) deleteKeyByKid(this.dataDir, kid);
  }
}
