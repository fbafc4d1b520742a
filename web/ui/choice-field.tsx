/**
 * A labelled select over a fixed list of values (a tier, a priority, a case's kind …), each
 * shown by `labelOf`. The select's id is `id`, so a label elsewhere may point at it too.
 */
export function ChoiceField<T extends string>(props: {
  id: string;
  label: string;
  value: T;
  options: readonly T[];
  labelOf: (value: T) => string;
  onChange: (value: T) => void;
}) {
  return <Choice {...props} onChange={props.onChange as (value: T | '') => void} />;
}

/**
 * A ChoiceField for filtering a list: its first choice, `any` ("All statuses" …), is the
 * value '' and filters nothing.
 */
export function FilterField<T extends string>(props: {
  id: string;
  label: string;
  any: string;
  value: T | '';
  options: readonly T[];
  labelOf: (value: T) => string;
  onChange: (value: T | '') => void;
}) {
  return <Choice {...props} />;
}

function Choice<T extends string>({
  id,
  label,
  any,
  value,
  options,
  labelOf,
  onChange,
}: {
  id: string;
  label: string;
  any?: string;
  value: T | '';
  options: readonly T[];
  labelOf: (value: T) => string;
  onChange: (value: T | '') => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T | '')}>
        {any !== undefined ? <option value="">{any}</option> : null}
        {options.map((option) => (
          <option key={option} value={option}>
            {labelOf(option)}
          </option>
        ))}
      </select>
    </div>
  );
}
