import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';
import './ui.css';

/** The attributes Field gives its control. */
export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

/** The ids and aria attributes of a field's control, its hint and its error (pure). */
export function controlProps(
  id: string,
  {
    hint,
    error,
    invalid,
    describedBy,
  }: {
    hint?: boolean;
    error?: boolean;
    invalid?: boolean;
    describedBy?: string | undefined;
  },
): ControlProps {
  const described = [describedBy, hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  return {
    id,
    ...(described ? { 'aria-describedby': described } : {}),
    ...(error || invalid ? { 'aria-invalid': true as const } : {}),
  };
}

/**
 * A labelled control: `<Field label={t('contacts.title')} hint={…} error={…}><input value=… /></Field>`.
 * The control (the one child element) gets the id the label points at, aria-describedby
 * naming the hint and the error, and aria-invalid when there is an error or `invalid`.
 */
export function Field({
  label,
  hint,
  error,
  invalid,
  id: givenId,
  className,
  after,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  /** What is wrong with this field, shown under it. */
  error?: ReactNode;
  /** Marked invalid without a message of its own (the alert above says why). */
  invalid?: boolean;
  id?: string;
  className?: string;
  /** Shown after the hint, in the field's foot (a counter, say). */
  after?: ReactNode;
  children: ReactElement<{ 'aria-describedby'?: string }>;
}) {
  const generated = useId();
  const id = givenId ?? generated;
  const hasError = error !== undefined && error !== null && error !== false && error !== '';
  const control = isValidElement(children)
    ? cloneElement(
        children,
        controlProps(id, {
          hint: Boolean(hint),
          error: hasError,
          invalid: Boolean(invalid),
          describedBy: children.props['aria-describedby'],
        }),
      )
    : children;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint || after ? (
        <div className="field-foot">
          {hint ? (
            <p id={`${id}-hint`} className="field-hint">
              {hint}
            </p>
          ) : null}
          {after}
        </div>
      ) : null}
      {hasError ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
