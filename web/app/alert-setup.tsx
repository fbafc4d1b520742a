import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { installAudioUnlock, unlockAudio, useAudioState } from './alarm';
import { useNotificationPermission } from './attention';

/**
 * Until the browser lets this tab make sound (it waits for a first click), and until the
 * user has said yes or no to notifications: one button each, above every page.
 */
export function AlertSetup() {
  const { t } = useTranslation();
  const audio = useAudioState();
  const notifications = useNotificationPermission();
  useEffect(() => {
    installAudioUnlock();
  }, []);
  const needSound = audio === 'blocked';
  const canAsk = notifications.state === 'default';
  if (!needSound && !canAsk) return null;
  return (
    <div className="alert-setup" role="group" aria-label={t('shell.alertSetup.label')}>
      {needSound ? (
        <span className="alert-setup-item">
          <span className="small muted">{t('shell.alertSetup.soundOff')}</span>
          <button type="button" className="button-small" onClick={unlockAudio}>
            {t('shell.alertSetup.enableSound')}
          </button>
        </span>
      ) : null}
      {canAsk ? (
        <span className="alert-setup-item">
          <button
            type="button"
            className="button-small button-quiet"
            onClick={() => void notifications.ask()}
          >
            {t('shell.alertSetup.enableNotifications')}
          </button>
        </span>
      ) : null}
    </div>
  );
}
