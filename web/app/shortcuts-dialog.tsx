import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Shortcuts } from './shortcuts';

/** The list of keyboard shortcuts, in a modal dialog (Escape or the button closes it). */
export function ShortcutsDialog({ open, close }: Shortcuts) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      if (typeof element.showModal === 'function') element.showModal();
      else element.setAttribute('open', '');
    } else if (!open && element.open) {
      element.close();
    }
  }, [open]);

  return (
    <dialog
      ref={dialog}
      className="shortcuts-dialog"
      aria-labelledby="shortcuts-title"
      onClose={close}
      onCancel={close}
    >
      <h2 id="shortcuts-title">{t('shell.shortcuts.title')}</h2>
      <dl className="shortcuts-list">
        <div>
          <dt>
            <kbd>/</kbd>
          </dt>
          <dd>{t('shell.shortcuts.search')}</dd>
        </div>
        <div>
          <dt>
            <kbd>?</kbd>
          </dt>
          <dd>{t('shell.shortcuts.help')}</dd>
        </div>
        <div>
          <dt>
            <kbd>Esc</kbd>
          </dt>
          <dd>{t('shell.shortcuts.close')}</dd>
        </div>
      </dl>
      <p className="muted small">{t('shell.shortcuts.notTyping')}</p>
      <form method="dialog">
        <button type="submit" className="button-primary">
          {t('shell.shortcuts.done')}
        </button>
      </form>
    </dialog>
  );
}
