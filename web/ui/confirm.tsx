import { useEffect, useRef, type RefObject } from 'react';

/**
 * "Really?" in place of an action's buttons: the question, the confirming button (focused
 * when it appears) and a cancel button that gives the focus back to `returnFocus`.
 */
export function Confirm({
  label,
  question,
  confirm,
  cancel,
  busy = false,
  danger = true,
  onConfirm,
  onCancel,
  returnFocus,
}: {
  /** The group's accessible name ("Reset the password of alice"). */
  label?: string;
  question: string;
  confirm: string;
  cancel: string;
  busy?: boolean;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  returnFocus?: RefObject<HTMLElement | null>;
}) {
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    confirmButton.current?.focus();
  }, []);
  return (
    <div className="confirm" role="group" aria-label={label}>
      <p>{question}</p>
      <button
        ref={confirmButton}
        type="button"
        className={danger ? 'button-danger' : 'button-primary'}
        disabled={busy}
        onClick={onConfirm}
      >
        {confirm}
      </button>
      <button
        type="button"
        onClick={() => {
          onCancel();
          setTimeout(() => returnFocus?.current?.focus(), 0);
        }}
      >
        {cancel}
      </button>
    </div>
  );
}
