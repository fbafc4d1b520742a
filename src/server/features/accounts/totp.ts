import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { sha256Hex } from './passwords.js';

/**
 * TOTP (RFC 6238) as every authenticator app speaks it: SHA-1, 6 digits, 30-second steps,
 * through the `otpauth` library; nothing home-made but the bookkeeping around it.
 */
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted either side of now: a phone's clock a little off still works. */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

function totpOf(secretBase32: string, label = 'Liaison', issuer = 'Liaison'): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new random secret (160 bits, as RFC 4226 recommends), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** What an authenticator app scans: the otpauth:// URI, and it drawn as a QR code (SVG). */
export async function enrollmentOf(
  secretBase32: string,
  account: string,
  nodeId: string,
): Promise<{ uri: string; qrSvg: string }> {
  const uri = totpOf(secretBase32, account, `Liaison (${nodeId})`).toString();
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { uri, qrSvg };
}

/** A code as typed: digits only, spaces and dashes dropped; undefined if it is not 6 digits. */
function normalizeCode(input: string): string | undefined {
  const code = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

/**
 * The time step of `input` if it is the secret's code within TOTP_WINDOW steps of `now`
 * and later than `lastStep` (a code already taken, or an older one, is refused: replay).
 */
export function acceptedStep(
  secretBase32: string,
  input: string,
  now: number,
  lastStep: number | null,
): number | undefined {
  const token = normalizeCode(input);
  if (token === undefined) return undefined;
  const totp = totpOf(secretBase32);
  const delta = totp.validate({ token, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return undefined;
  const step = totp.counter({ timestamp: now }) + delta;
  return lastStep !== null && step <= lastStep ? undefined : step;
}

// No 0/O, 1/l/I: recovery codes are printed and typed by hand.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A recovery code such as `k7mqx-3va9t` (10 characters, about 50 bits). */
export function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The hash a recovery code is kept as: of its characters, whatever case or dashes typed. */
export function recoveryCodeHash(input: string): string {
  return sha256Hex(`recovery:${input.toLowerCase().replace(/[^a-z0-9]/g, '')}`);
}
