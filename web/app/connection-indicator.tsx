import { useTranslation } from 'react-i18next';
import { useConnectionState } from './live-events';

/** A small dot and word: live updates are flowing, or the stream is reconnecting. */
export function ConnectionIndicator() {
  const { t } = useTranslation();
  const state = useConnectionState();
  if (state === null) return null;
  return (
    <div className={`connection connection-${state}`} role="status">
      <span className="connection-dot" aria-hidden="true" />
      <span className="visually-hidden">{t('connection.label')}: </span>
      <span>{t(`connection.${state}`)}</span>
    </div>
  );
}
