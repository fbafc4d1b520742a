import { useTranslation } from 'react-i18next';
import type { AttentionArea } from '../../src/core/schemas/attention';
import { useAttention } from './attention';

/** How many things wait on the user, all menu items together (for the folded menu's button). */
export function useAttentionTotal(): number {
  const { attention } = useAttention();
  if (!attention) return 0;
  const { requests, hotline, pings } = attention.counts;
  return requests + hotline + pings;
}

/**
 * The count beside a menu item. The number is hidden from the link's name (which stays
 * "Requests"); the link is described by the sentence instead (aria-describedby may point
 * at hidden text, which then stays out of the name too).
 */
export function NavCount({ area }: { area: AttentionArea }) {
  const { t } = useTranslation();
  const { attention } = useAttention();
  const count = attention?.counts[area] ?? 0;
  const overdue = attention?.overdue[area] ?? 0;
  return (
    <>
      {count > 0 ? (
        <span
          className={`nav-count${overdue > 0 ? ' nav-count-overdue' : ''}`}
          data-testid={`nav-count-${area}`}
          aria-hidden="true"
        >
          {count}
        </span>
      ) : null}
      <span id={`nav-count-${area}-text`} hidden>
        {count > 0
          ? overdue > 0
            ? t('shell.waitingOverdue', { count, overdue })
            : t('shell.waitingCount', { count })
          : ''}
      </span>
    </>
  );
}
