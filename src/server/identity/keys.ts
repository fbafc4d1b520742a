import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { fingerprintOf } from '../../core/fingerprint.js';

/**
 * The node's identity: an Ed25519 key that signs and an X25519 key that peers encrypt to.
 * Generated and exported with jose; the private keys live in DATA/keys, mode 0600.
 */
export const KEYS_DIR = 'keys';
export const SIGNING_KEY_FILE = 'signing.jwk.json';
export const ENCRYPTION_KEY_FILE = 'encryption.jwk.json';

export interface KeyPairJwk {
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

export interface NodeKeys {
  signing: KeyPairJwk;
  encryption: KeyPairJwk;
  fingerprint: string;
  /** The data directory the keys were loaded from; absent for keys held only in memory. */
  dataDir?: string;
}

function publicPart(jwk: JWK): JWK {
  const { d: _d, ...rest } = jwk;
  return rest;
}

export async function generateNodeKeys(): Promise<NodeKeys> {
  const signing = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const encryption = await generateKeyPair('ECDH-ES+A256KW', { crv: 'X25519', extractable: true });
  const signingJwk = await exportJWK(signing.privateKey);
  const encryptionJwk = await exportJWK(encryption.privateKey);
  return describeKeys(
    { ...signingJwk, alg: 'EdDSA', use: 'sig' },
    { ...encryptionJwk, alg: 'ECDH-ES+A256KW', use: 'enc' },
  );
}

export async function describeKeys(signingJwk: JWK, encryptionJwk: JWK): Promise<NodeKeys> {
  const signingPublic = publicPart(signingJwk);
  const encryptionPublic = publicPart(encryptionJwk);
  const signingKid = await calculateJwkThumbprint(signingPublic, 'sha256');
  const encryptionKid = await calculateJwkThumbprint(encryptionPublic, 'sha256');
  return {
    signing: {
      privateJwk: { ...signingJwk, kid: signingKid },
      publicJwk: { ...signingPublic, kid: signingKid },
      kid: signingKid,
    },
    encryption: {
      privateJwk: { ...encryptionJwk, kid: encryptionKid },
      publicJwk: { ...encryptionPublic, kid: encryptionKid },
      kid: encryptionKid,
    },
    fingerprint: fingerprintOf(signingKid, encryptionKid),
  };
}

function writePrivate(file: string, jwk: JWK): void {
  writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
}

/** Writes the keys into DATA/keys; refuses to overwrite existing ones. */
export function writeNodeKeys(dataDir: string, keys: NodeKeys): void {
  const dir = path.join(dataDir, KEYS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writePrivate(path.join(dir, SIGNING_KEY_FILE), keys.signing.privateJwk);
  writePrivate(path.join(dir, ENCRYPTION_KEY_FILE), keys.encryption.privateJwk);
}

/** DATA/keys, created mode 0700 if missing. */
function keysDir(dataDir: string): string {
  const dir = path.join(dataDir, KEYS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/** A key by its id: DATA/keys/<kid>.jwk.json (kids are base64url thumbprints). */
function kidFile(dataDir: string, kid: string): string {
  if (!/^[A-Za-z0-9_-]{43}$/.test(kid)) throw new KeyError(`${kid} is not a key id`);
  return path.join(dataDir, KEYS_DIR, `${kid}.jwk.json`);
}

/**
 * Keeps a private key under its id (key rotation: the current keys and the retired ones
 * still in their grace period), mode 0600. Writing the same key again is a no-op.
 */
export function writeKeyByKid(dataDir: string, jwk: JWK & { kid: string }): void {
  keysDir(dataDir);
  const file = kidFile(dataDir, jwk.kid);
  if (existsSync(file)) return;
  writePrivate(file, jwk);
}

/** The private key with this id, if this data directory holds it (by id or as a current key). */
export function readKeyByKid(dataDir: string, kid: string): JWK | undefined {
  const candidates = [
    kidFile(dataDir, kid),
    ...[SIGNING_KEY_FILE, ENCRYPTION_KEY_FILE].map((name) => path.join(dataDir, KEYS_DIR, name)),
  ];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    if (jwk.kid === kid && jwk.d) return jwk;
  }
  return undefined;
}

/** Deletes the key with this id kept under its id (after its grace period). */
export function deleteKeyByKid(dataDir: string, kid: string): void {
  rmSync(kidFile(dataDir, kid), { force: true });
}

/**
 * Makes DATA/keys/signing.jwk.json and encryption.jwk.json these keys (what an operator
 * backs up and what a restart loads): each written to a temporary file, mode 0600, then
 * renamed over the old one, so a crash leaves the old file or the new one, never half.
 */
export function replaceCurrentKeyFiles(
  dataDir: string,
  signing: JWK & { kid: string },
  encryption: JWK & { kid: string },
): void {
  const dir = keysDir(dataDir);
  for (const [name, jwk] of [
    [SIGNING_KEY_FILE, signing],
    [ENCRYPTION_KEY_FILE, encryption],
  ] as const) {
    const target = path.join(dir, name);
    if (existsSync(target)) {
      const present = JSON.parse(readFileSync(target, 'utf8')) as JWK;
      if (present.kid === jwk.kid) continue;
    }
    const temporary = path.join(dir, `.${name}.${process.pid}.tmp`);
    rmSync(temporary, { force: true });
    writePrivate(temporary, jwk);
    renameSync(temporary, target);
  }
}

export function nodeKeysExist(dataDir: string): boolean {
  return existsSync(path.join(dataDir, KEYS_DIR, SIGNING_KEY_FILE));
}

export class KeyError extends Error {}

export async function loadNodeKeys(dataDir: string): Promise<NodeKeys> {
  const read = (name: string): JWK => {
    const file = path.join(dataDir, KEYS_DIR, name);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as JWK;
    } catch (error) {
      throw new KeyError(`cannot read the node key ${file}: ${(error as Error).message}`);
    }
  };
  const signing = read(SIGNING_KEY_FILE);
  const encryption = read(ENCRYPTION_KEY_FILE);
  if (signing.kty !== 'OKP' || signing.crv !== 'Ed25519' || !signing.d) {
    throw new KeyError(`${SIGNING_KEY_FILE} is not an Ed25519 private key`);
  }
  if (encryption.kty !== 'OKP' || encryption.crv !== 'X25519' || !encryption.d) {
    throw new KeyError(`${ENCRYPTION_KEY_FILE} is not an X25519 private key`);
  }
  // Importing proves the key material is usable.
  await importJWK(signing, 'EdDSA');
  await importJWK(encryption, 'ECDH-ES+A256KW');
  return { ...(await describeKeys(signing, encryption)), dataDir };
}
