import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import '../accounts.css';
import '../i18n';

/**
 * Recovery codes the node just made and will never show again (it keeps only their hashes):
 * listed once, with Copy and Print, until the user says they are kept.
 */
export function RecoveryCodesPanel({
  codes,
  onDone,
}: {
  codes: readonly string[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    heading.current?.focus();
  }, []);

  const copyCodes = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(codes.join('\n'));
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  return (
    <section className="one-time" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t('secondFactor.codesTitle')}
      </h3>
      <p>{t('secondFactor.codesBody', { number: codes.length })}</p>
      <ol className="recovery-codes" aria-label={t('secondFactor.codesTitle')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="form-actions">
        <button type="button" onClick={() => void copyCodes()}>
          {t('secondFactor.copy')}
        </button>
        <button type="button" onClick={() => window.print()}>
          {t('secondFactor.print')}
        </button>
      </div>
      <p role="status" className="small">
        {copy === 'copied'
          ? t('secondFactor.copied')
          : copy === 'failed'
            ? t('secondFactor.copyFailed')
            : ''}
      </p>
      <button type="button" className="button-primary" onClick={onDone}>
        {t('secondFactor.codesKept')}
      </button>
    </section>
  );
}
