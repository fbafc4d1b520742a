import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import * as contactsApi from '../../contacts/api';
import * as api from '../api';
import { rolesAllow, type ContactView, type WebhookView } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { Coverage, PeerCoverage } from '../components/roster-coverage';
import { LadderEditor } from '../components/roster-ladder';
import { Shifts } from '../components/roster-shifts';
import { Webhooks } from '../components/roster-webhooks';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useSession, useUser } from '../../../app/session';
import { HotlineTabs } from './hotline';
import '../i18n';

/** The duty roster, the coverage it gives, the ladder, the webhooks and the peer's coverage. */
export function HotlineRosterPage() {
  const { t } = useTranslation();
  const user = useUser();
  const canManage = rolesAllow(user.roles, 'hotline.manage');
  const canWebhooks = rolesAllow(user.roles, 'hotline.webhooks');
  usePageTitle(t('hotline.roster.title'));
  const { node } = useSession();
  const ownNode = node.node?.nodeId;
  const contacts = useLoader<ContactView[]>(
    useCallback(async () => (ownNode ? contactsApi.listContacts(ownNode) : []), [ownNode]),
  );
  // Supervisors pick webhooks for the ladder by name (secrets are never shown); only
  // admins add, change or remove them.
  const webhooks = useLoader<WebhookView[]>(
    useCallback(async () => (canManage ? api.listWebhooks() : []), [canManage]),
  );
  const { reload: reloadContacts } = contacts;
  const { reload: reloadWebhooks } = webhooks;
  useLiveEvent(['contact.changed', 'resync'], () => void reloadContacts());
  useLiveEvent(['hotline.roster', 'resync'], () => void reloadWebhooks());
  const own = (contacts.data ?? []).filter((c) => c.node === ownNode);

  return (
    <section className="page">
      <h1>{t('hotline.roster.title')}</h1>
      <p className="lead">{t('hotline.roster.intro')}</p>
      <HotlineTabs />
      {canManage ? (
        <>
          {contacts.error ? <ErrorAlert error={contacts.error} /> : null}
          <Shifts contacts={own} />
          <Coverage />
          <LadderEditor contacts={own} webhooks={webhooks.data ?? []} />
          {canWebhooks ? (
            <Webhooks
              webhooks={webhooks.data}
              error={webhooks.error}
              onChanged={() => void reloadWebhooks()}
            />
          ) : null}
        </>
      ) : (
        <div className="notice" role="note">
          <p>{t('hotline.roster.managersOnly')}</p>
        </div>
      )}
      <PeerCoverage />
    </section>
  );
}
