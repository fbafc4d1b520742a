import { createHash } from 'node:crypto';
import {
  MAX_ATTACHMENT_BYTES,
  type AttachmentUpload,
  type RequestEventMessage,
} from '../../../core/schemas/requests.js';
import { badRequest, tooLarge, unprocessable } from '../../errors.js';
import type { RequestAttachmentRow } from './requests.table.js';

/** The checks an attachment passes before it is stored: from a user, and from the peer. */

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Decodes an upload, refusing one over the limit or whose bytes do not match its SHA-256. */
export function checkUpload(
  upload: AttachmentUpload,
): Omit<RequestAttachmentRow, 'id' | 'request_id' | 'event_id' | 'created_at'> {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(upload.content)) {
    throw badRequest('invalid_attachment', 'The attachment content must be base64.');
  }
  const bytes = Buffer.from(upload.content, 'base64');
  if (bytes.length > MAX_ATTACHMENT_BYTES) {
    throw tooLarge(
      'attachment_too_large',
      `The attachment is ${bytes.length} bytes; the limit is ${MAX_ATTACHMENT_BYTES} bytes (1.5 MiB).`,
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== upload.sha256) {
    throw unprocessable(
      'attachment_hash_mismatch',
      `The attachment's SHA-256 is ${actual}, not ${upload.sha256} as declared: it was damaged on the way.`,
    );
  }
  return {
    name: upload.name,
    media_type: upload.mediaType,
    size: bytes.length,
    sha256: actual,
    content: bytes.toString('base64'),
  };
}

type Arrived = NonNullable<RequestEventMessage['event']['attachment']>;

/** An attachment from the peer, refused when its bytes are not what the sender recorded. */
export function checkArrived(
  arrived: Arrived,
  requestId: string,
  eventId: string,
  now: number,
): RequestAttachmentRow {
  const bytes = Buffer.from(arrived.content, 'base64');
  const actual = sha256Hex(bytes);
  if (actual !== arrived.sha256 || bytes.length !== arrived.size) {
    throw unprocessable(
      'attachment_hash_mismatch',
      `Attachment ${arrived.name} arrived with SHA-256 ${actual} (${bytes.length} bytes); the sender recorded ${arrived.sha256} (${arrived.size} bytes).`,
    );
  }
  return {
    id: arrived.id,
    request_id: requestId,
    event_id: eventId,
    name: arrived.name,
    media_type: arrived.mediaType,
    size: arrived.size,
    sha256: arrived.sha256,
    content: arrived.content,
    created_at: now,
  };
}
