import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import '../i18n';

/**
 * A password the node generated and will never show again: displayed once, with a copy
 * button, until the administrator hides it. It lives only in this component's state.
 */
export function OneTimePassword({
  username,
  password,
  onHide,
}: {
  username: string;
  password: string;
  onHide: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const copyPassword = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(password);
      setCopy('copied');
    } catch {
      input.current?.select();
      setCopy('failed');
    }
  };

  return (
    <section className="one-time" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t('users.oneTimeTitle', { username })}
      </h2>
      <p>{t('users.oneTimeBody', { username })}</p>
      <div className="one-time-row">
        <input
          ref={input}
          className="secret"
          readOnly
          value={password}
          aria-label={t('users.oneTimeTitle', { username })}
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={() => void copyPassword()}>
          {t('users.copy')}
        </button>
      </div>
      <p role="status" className="small">
        {copy === 'copied' ? t('users.copied') : copy === 'failed' ? t('users.copyFailed') : ''}
      </p>
      <button type="button" className="button-primary" onClick={onHide}>
        {t('users.hide')}
      </button>
    </section>
  );
}
