import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError, NETWORK_ERROR } from '../app/client';

/** Error codes of docs/api.md that have their own translated message. */
const TRANSLATED = [
  'not_authenticated',
  'forbidden',
  'password_change_required',
  'invalid_request',
  'username_taken',
  'weak_password',
  'wrong_password',
  'invalid_time_zone',
  'user_not_found',
  'too_many_attempts',
  'peer_not_found',
  'peer_exists',
  'peer_suspended',
  'peer_unreachable',
  'invalid_descriptor',
  'cannot_peer_self',
  'fingerprint_mismatch',
  'request_incomplete',
  'no_contacts',
  'already_acknowledged',
  'call_already_acknowledged',
  'call_already_resolved',
  'case_not_found',
  'object_not_found',
  'object_exists',
  'not_origin',
  'own_object',
  'peer_not_in_case',
  'reason_required',
  'invalid_stix',
  'unknown_reference',
  'conflicting_marking',
  'not_versioned',
  'import_not_found',
  'import_running',
  'import_done',
  'import_too_large',
  'empty_upload',
  'import_source_missing',
  'collection_read_only',
  'collection_not_found',
  'subscription_not_found',
  'taxii_poll_failed',
] as const;
type TranslatedCode = (typeof TRANSLATED)[number];

function isTranslated(code: string): code is TranslatedCode {
  return (TRANSLATED as readonly string[]).includes(code);
}

/** A sentence for the user, in their language, saying what went wrong. */
export function describeError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === NETWORK_ERROR) return t('errors.network');
    if (isTranslated(error.code)) return t(`errors.${error.code}`, { message: error.message });
    if (error.status === 403) return t('errors.forbidden');
    return t('errors.unknown', { message: error.message });
  }
  const message = error instanceof Error ? error.message : String(error);
  return t('errors.unknown', { message });
}

/** A visible, announced error message (role="alert"), with the node's request id if any. */
export function ErrorAlert({ error, message }: { error?: unknown; message?: string }) {
  const { t } = useTranslation();
  const text = message ?? describeError(t, error);
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div role="alert" className="alert alert-error">
      <p>{text}</p>
      {requestId ? <p className="alert-reference">{t('errors.reference', { requestId })}</p> : null}
    </div>
  );
}
