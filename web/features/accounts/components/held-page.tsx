import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BareLayout } from '../../../app/layout';
import { useSession, useUser } from '../../../app/session';
import { usePageTitle } from '../../../ui/hooks';

/**
 * A page shown instead of everything else while the node holds the account back until it
 * does one thing (choose a new password, set up a second factor): who is signed in, why,
 * the form, and a way out.
 */
export function HeldPage({
  title,
  intro,
  children,
}: {
  title: string;
  intro: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { logout } = useSession();
  const user = useUser();
  usePageTitle(title);
  return (
    <BareLayout
      tools={
        <button type="button" className="button-quiet" onClick={() => void logout()}>
          {t('userMenu.logout')}
        </button>
      }
    >
      <div className="narrow">
        <h1>{title}</h1>
        <p className="muted">{t('userMenu.signedInAs', { username: user.username })}</p>
        <p className="lead">{intro}</p>
        {children}
      </div>
    </BareLayout>
  );
}
