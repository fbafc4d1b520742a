import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AttentionLevel } from '../../../../src/core/schemas/attention';
import { useAttention, type IncomingItem } from '../../../app/attention';
import { useUserTimeZone } from '../../../app/session';
import { formatDateTime, formatDuration, zoneOffset } from '../../../ui/format';
import { useNow } from '../../../ui/hooks';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';
import '../i18n';

// What peers sent that waits for acknowledgement: the level badge, the due time, and the
// banner of urgent and emergency requests on every page (loaded with its own chunk).

/** Routine grey, urgent amber, emergency red: the same colours everywhere. */
export function LevelBadge({ level }: { level: AttentionLevel }) {
  const { t } = useTranslation();
  return <span className={`badge level level-${level}`}>{t(`requests.urgencies.${level}`)}</span>;
}

/** "by 14:05 (GMT+8) · 52 min left" in the viewer's zone, counting down. */
export function DueIn({ dueAt }: { dueAt: string }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const now = useNow();
  const date = new Date(dueAt);
  const left = date.getTime() - now.getTime();
  return (
    <span className={left <= 0 ? 'deadline-overdue' : ''}>
      {t('requests.incoming.dueBy', {
        time: `${formatDateTime(date, i18n.language, zone)} (${zoneOffset(date, i18n.language, zone)})`,
      })}
      {' · '}
      {left <= 0
        ? t('requests.deadline.late', { duration: formatDuration(-left, i18n.language) })
        : t('requests.deadline.left', { duration: formatDuration(left, i18n.language) })}
    </span>
  );
}

function isPressingRequest(item: IncomingItem): boolean {
  return item.area === 'requests' && item.level !== 'routine';
}

/**
 * On every page, like the hotline's: the peers' emergency and urgent requests nobody here
 * has acknowledged yet, each a link to the request.
 */
export function IncomingRequestsBanner() {
  const { t } = useTranslation();
  const { attention } = useAttention();
  const items = (attention?.incoming ?? []).filter(isPressingRequest);
  if (items.length === 0) return null;
  const emergency = items.some((item) => item.level === 'emergency');
  return (
    <section
      className={`request-banner${emergency ? ' request-banner-emergency' : ''}`}
      aria-labelledby="request-banner-title"
    >
      <h2 id="request-banner-title" className="request-banner-title">
        {t('requests.incoming.bannerTitle', { count: items.length })}
      </h2>
      <ul className="request-banner-list">
        {items.map((item) => (
          <li key={item.id}>
            <LevelBadge level={item.level} />
            <span>
              {t('requests.incoming.from', { peer: item.peer })}{' '}
              <Link to={`/requests/${encodeURIComponent(item.id)}`} className="request-banner-link">
                {item.reference ? `${item.reference} · ` : ''}
                {item.title}
              </Link>{' '}
              {item.exerciseId ? <ExerciseBadge exerciseId={item.exerciseId} /> : null}
            </span>
            {item.dueAt ? (
              <span className="small">
                <DueIn dueAt={item.dueAt} />
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
