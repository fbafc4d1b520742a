import { createHash } from 'node:crypto';

/**
 * A node's key fingerprint in a form two people can read to each other over the phone:
 * twelve groups of five digits (like a messaging app's safety number), derived from the
 * JWK thumbprints (RFC 7638) of the node's public signing and encryption keys.
 */
export function fingerprintOf(signingThumbprint: string, encryptionThumbprint: string): string {
  const digest = createHash('sha512')
    .update(`liaison-fingerprint-v1\n${signingThumbprint}\n${encryptionThumbprint}`)
    .digest();
  const groups: string[] = [];
  for (let i = 0; i < 12; i++) {
    const chunk = digest.readUIntBE(i * 5, 5);
    groups.push(String(chunk % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}

/** Compares fingerprints typed by a person: spaces, dashes and line breaks do not matter. */
export function normalizeFingerprint(input: string): string {
  return input.replace(/[\s-]+/g, '');
}

export function sameFingerprint(a: string, b: string): boolean {
  return normalizeFingerprint(a) === normalizeFingerprint(b);
}

/** Three lines of four groups, as printed by `liaison fingerprint`. */
export function formatFingerprintLines(fingerprint: string): string[] {
  const groups = fingerprint.split(' ');
  return [groups.slice(0, 4), groups.slice(4, 8), groups.slice(8, 12)].map((g) => g.join(' '));
}
