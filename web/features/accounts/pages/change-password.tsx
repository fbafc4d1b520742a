import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../../../ui/hooks';
import { BareLayout } from '../../../app/layout';
import { PasswordForm } from '../components/password-form';
import { useSession, useUser } from '../../../app/session';
import '../i18n';

/** Shown instead of everything else while the account must choose a new password. */
export function MustChangePasswordPage() {
  const { t } = useTranslation();
  const { refresh, logout } = useSession();
  const user = useUser();
  usePageTitle(t('password.mustChangeTitle'));
  return (
    <BareLayout
      tools={
        <button type="button" className="button-quiet" onClick={() => void logout()}>
          {t('userMenu.logout')}
        </button>
      }
    >
      <div className="narrow">
        <h1>{t('password.mustChangeTitle')}</h1>
        <p className="muted">{t('userMenu.signedInAs', { username: user.username })}</p>
        <p className="lead">{t('password.mustChangeIntro')}</p>
        <PasswordForm onChanged={refresh} />
      </div>
    </BareLayout>
  );
}
