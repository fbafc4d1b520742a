import { useTranslation } from 'react-i18next';
import { BareLayout } from '../../../app/layout';
import { useSession, useUser } from '../../../app/session';
import { usePageTitle } from '../../../ui/hooks';
import { EnrollSecondFactor } from '../components/second-factor';
import '../i18n';

/**
 * Shown instead of everything else while the node requires a second factor of this account
 * and it has none (auth.requireSecondFactor): the node refuses every other page until then.
 */
export function MustEnrollSecondFactorPage() {
  const { t } = useTranslation();
  const { refresh, logout } = useSession();
  const user = useUser();
  usePageTitle(t('secondFactor.requiredTitle'));
  return (
    <BareLayout
      tools={
        <button type="button" className="button-quiet" onClick={() => void logout()}>
          {t('userMenu.logout')}
        </button>
      }
    >
      <div className="narrow">
        <h1>{t('secondFactor.requiredTitle')}</h1>
        <p className="muted">{t('userMenu.signedInAs', { username: user.username })}</p>
        <p className="lead">{t('secondFactor.requiredIntro')}</p>
        <EnrollSecondFactor onEnrolled={() => void refresh()} />
      </div>
    </BareLayout>
  );
}
