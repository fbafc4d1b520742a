import { useTranslation } from 'react-i18next';
import { useSession } from '../../../app/session';
import { HeldPage } from '../components/held-page';
import { EnrollSecondFactor } from '../components/second-factor';
import '../i18n';

/**
 * Shown instead of everything else while the node requires a second factor of this account
 * and it has none (auth.requireSecondFactor): the node refuses every other page until then.
 */
export function MustEnrollSecondFactorPage() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  return (
    <HeldPage title={t('secondFactor.requiredTitle')} intro={t('secondFactor.requiredIntro')}>
      <EnrollSecondFactor onEnrolled={() => void refresh()} />
    </HeldPage>
  );
}
