import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../app/client';
import { RequestReference } from '../../../ui/errors';
import { fingerprintLines } from '../../../ui/format';
import '../i18n';

/** A fingerprint as three lines of four groups of five digits, easy to read aloud. */
export function FingerprintLines({ fingerprint, label }: { fingerprint: string; label?: string }) {
  return (
    <code className="fingerprint-lines" aria-label={label}>
      {fingerprintLines(fingerprint).map((line, index) => (
        <span key={index}>{line}</span>
      ))}
    </code>
  );
}

const FINGERPRINT = /(?:\d{5}[\s-]*){11}\d{5}/g;

/** Digits regrouped by five, whatever separators were typed. */
function regroup(fingerprint: string): string {
  return (fingerprint.replace(/\D/g, '').match(/\d{5}/g) ?? []).join(' ');
}

/**
 * The node at the URL presents other keys than the fingerprint typed in: a security
 * warning, not a typo to shrug off. Shows both fingerprints side by side when the
 * node's message names them, and always the node's own words.
 */
export function FingerprintMismatch({ error }: { error: ApiError }) {
  const { t } = useTranslation();
  const found = error.message.match(FINGERPRINT) ?? [];
  const [given, presented] = found;
  return (
    <div role="alert" className="security-warning">
      <h3>{t('peers.mismatch.title')}</h3>
      <p>{t('peers.mismatch.body')}</p>
      {given && presented ? (
        <div className="mismatch-compare">
          <div>
            <p className="mismatch-label">{t('peers.mismatch.given')}</p>
            <FingerprintLines fingerprint={regroup(given)} />
          </div>
          <div>
            <p className="mismatch-label">{t('peers.mismatch.presented')}</p>
            <FingerprintLines fingerprint={regroup(presented)} />
          </div>
        </div>
      ) : null}
      <p className="mismatch-advice">{t('peers.mismatch.advice')}</p>
      <p className="small muted">
        {t('peers.mismatch.nodeSaid')} <span lang="en">{error.message}</span>
      </p>
      <RequestReference error={error} />
    </div>
  );
}
