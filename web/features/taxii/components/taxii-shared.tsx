import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import * as accountsApi from '../../accounts/api';
import * as casesApi from '../../cases/api';
import * as api from '../api';
import type { CaseView, TokenView, UserView } from '../../../app/types';
import { Confirm } from '../../../ui/confirm';
import { formatDateTime } from '../../../ui/format';
import { useUserTimeZone } from '../../../app/session';
import '../i18n';

// What the TAXII page's collections and subscriptions share.

/** What the forms choose from: the cases, and the users and tokens a collection opens to. */
export interface Choices {
  cases: CaseView[];
  users: UserView[];
  tokens: TokenView[];
}

export async function loadChoices(): Promise<Choices> {
  const [{ cases }, users, tokens] = await Promise.all([
    // The most recently changed cases (the server's largest page) are the ones to choose from.
    casesApi.listCases({ limit: 500 }),
    accountsApi.listUsers(),
    // Tokens only name principals: without them, users still can be chosen.
    api.listTokens(true).catch(() => [] as TokenView[]),
  ]);
  cases.sort((a, b) => a.title.localeCompare(b.title));
  return { cases, users, tokens };
}

/** "Ana Li (ana)", "Token “SOC feed”"; the raw principal when it is unknown here. */
export function usePrincipalName(choices: Choices | null): (principal: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (principal: string) => {
      const [kind, id] = principal.split(':', 2);
      if (kind === 'user') {
        const user = choices?.users.find((u) => u.id === id);
        if (user)
          return t('taxii.access.userName', { name: user.displayName, username: user.username });
      } else if (kind === 'token') {
        const token = choices?.tokens.find((x) => x.id === id);
        if (token) return t('taxii.access.tokenName', { name: token.name });
      }
      return principal;
    },
    [choices, t],
  );
}

export function When({ iso }: { iso: string }) {
  const { i18n } = useTranslation();
  const zone = useUserTimeZone();
  return <time dateTime={iso}>{formatDateTime(iso, i18n.language, zone)}</time>;
}

/** The case's title, linked; "every case" for a collection over all of them. */
export function CaseName({
  caseId,
  cases,
}: {
  caseId: string | null;
  cases: CaseView[] | undefined;
}) {
  const { t } = useTranslation();
  if (caseId === null) return <span>{t('taxii.collections.everyCase')}</span>;
  const found = cases?.find((c) => c.id === caseId);
  return <Link to={`/cases/${caseId}`}>{found?.title ?? caseId}</Link>;
}

/** A button that asks "Sure?" in place (the kit's Confirm) before it acts (removals). */
export function ConfirmButton({
  label,
  question,
  confirm,
  busy = false,
  onConfirm,
}: {
  label: string;
  question: string;
  confirm: string;
  busy?: boolean;
  onConfirm: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const firstButton = useRef<HTMLButtonElement>(null);
  if (!asking) {
    return (
      <button
        ref={firstButton}
        type="button"
        className="button-quiet-danger"
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <Confirm
      label={label}
      question={question}
      confirm={confirm}
      cancel={t('taxii.cancel')}
      busy={busy}
      onConfirm={() => void onConfirm().finally(() => setAsking(false))}
      onCancel={() => setAsking(false)}
      returnFocus={firstButton}
    />
  );
}

/** The URL, selectable, and a button that copies it. */
export function CopyableUrl({ url, label }: { url: string; label: string }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copyUrl = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      input.current?.select();
      setCopy('failed');
    }
  };
  return (
    <div className="copyable">
      <input
        ref={input}
        readOnly
        value={url}
        aria-label={label}
        spellCheck={false}
        data-testid="collection-url"
        onFocus={(event) => event.currentTarget.select()}
      />
      <button type="button" onClick={() => void copyUrl()}>
        {t('taxii.copy')}
      </button>
      <span role="status" className="small">
        {copy === 'copied' ? t('taxii.copied') : copy === 'failed' ? t('taxii.copyFailed') : ''}
      </span>
    </div>
  );
}

/** A select's options: "none" (the empty value), then the cases by title. */
export function CaseOptions({
  cases,
  none,
}: {
  cases: readonly CaseView[] | undefined;
  none: string;
}) {
  return (
    <>
      <option value="">{none}</option>
      {(cases ?? []).map((c) => (
        <option key={c.id} value={c.id}>
          {c.title}
        </option>
      ))}
    </>
  );
}
