import { useTranslation } from 'react-i18next';
import { useSession } from '../../../app/session';
import { HeldPage } from '../components/held-page';
import { PasswordForm } from '../components/password-form';
import '../i18n';

/** Shown instead of everything else while the account must choose a new password. */
export function MustChangePasswordPage() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  return (
    <HeldPage title={t('password.mustChangeTitle')} intro={t('password.mustChangeIntro')}>
      <PasswordForm onChanged={refresh} />
    </HeldPage>
  );
}
