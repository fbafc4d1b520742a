import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import '../cases.css';

/**
 * A tablist (WAI-ARIA tabs, automatic activation): the arrow keys, Home and End move
 * between the tabs; only the chosen tab is in the Tab order, and only its panel is drawn.
 */
export function Tabs<T extends string>({
  id,
  label,
  tabs,
  current,
  labelOf,
  onChoose,
  children,
}: {
  id: string;
  label: string;
  tabs: readonly T[];
  current: T;
  labelOf: (tab: T) => string;
  onChoose: (tab: T) => void;
  children: ReactNode;
}) {
  const buttons = useRef(new Map<T, HTMLButtonElement>());
  const move = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const last = tabs.length - 1;
    const to =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (to === null) return;
    event.preventDefault();
    const tab = tabs[to];
    if (tab === undefined) return;
    onChoose(tab);
    buttons.current.get(tab)?.focus();
  };
  return (
    <>
      <div role="tablist" aria-label={label} className="case-tabs">
        {tabs.map((tab, index) => (
          <button
            key={tab}
            ref={(element) => {
              if (element) buttons.current.set(tab, element);
              else buttons.current.delete(tab);
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${tab}`}
            aria-selected={tab === current}
            aria-controls={`${id}-panel-${tab}`}
            tabIndex={tab === current ? 0 : -1}
            onClick={() => onChoose(tab)}
            onKeyDown={(event) => move(event, index)}
          >
            {labelOf(tab)}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        // Every tab names its panel (aria-controls); only the chosen one is drawn.
        <div
          key={tab}
          role="tabpanel"
          id={`${id}-panel-${tab}`}
          aria-labelledby={`${id}-tab-${tab}`}
          className="case-tabpanel"
          hidden={tab !== current}
          tabIndex={tab === current ? 0 : -1}
        >
          {tab === current ? children : null}
        </div>
      ))}
    </>
  );
}
