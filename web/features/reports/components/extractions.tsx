import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  ClaimView,
  DroppedView,
  EntityView,
  IndicatorView,
  ReportView,
} from '../../../../src/core/schemas/reports';
import type { ExtractionKind, ReviewItem, ReviewState } from '../api';
import { ClaimSource, Party, ReviewBadge, StanceBadge } from './parts';
import { markId } from './report-text';

interface ReviewProps {
  /** Sends the review; undefined while it may not (a reader without reports.write). */
  onReview: ((items: ReviewItem[]) => void) | undefined;
  busy: boolean;
  onFocus: (id: string) => void;
}

function ReviewButtons({
  kind,
  index,
  state,
  name,
  onReview,
  busy,
}: { kind: ExtractionKind; index: number; state: ReviewState; name: string } & Omit<
  ReviewProps,
  'onFocus'
>) {
  const { t } = useTranslation();
  if (!onReview) return <ReviewBadge state={state} />;
  return (
    <span className="review-actions">
      <ReviewBadge state={state} />
      <button
        type="button"
        className="button-small"
        aria-pressed={state === 'accepted'}
        aria-label={t('reports.review.acceptItem', { name })}
        disabled={busy || state === 'accepted'}
        onClick={() => onReview([{ kind, index, state: 'accepted' }])}
      >
        {t('reports.review.accept')}
      </button>
      <button
        type="button"
        className="button-small button-quiet-danger"
        aria-pressed={state === 'rejected'}
        aria-label={t('reports.review.rejectItem', { name })}
        disabled={busy || state === 'rejected'}
        onClick={() => onReview([{ kind, index, state: 'rejected' }])}
      >
        {t('reports.review.reject')}
      </button>
    </span>
  );
}

function FocusLink({
  id,
  onFocus,
  children,
}: {
  id: string;
  onFocus: (id: string) => void;
  children: ReactNode;
}) {
  return (
    <a
      href={`#${id}`}
      onClick={(event) => {
        event.preventDefault();
        onFocus(id);
        document.getElementById(id)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
      }}
    >
      {children}
    </a>
  );
}

function IndicatorItem({ item, ...props }: { item: IndicatorView } & ReviewProps) {
  const { t } = useTranslation();
  return (
    <li className={`extraction extraction-${item.state}`} data-testid="indicator-item">
      <div className="extraction-head">
        <span className={`badge kind-indicator kind-${item.type}`}>
          {t(`reports.indicatorTypes.${item.type}`)}
        </span>
        <FocusLink id={markId('indicator', item.index)} onFocus={props.onFocus}>
          <code className="extraction-value">{item.value}</code>
        </FocusLink>
      </div>
      {item.defanged ? (
        <p className="muted small">
          {t('reports.indicators.defanged')} <code>{item.original}</code>
        </p>
      ) : null}
      <ReviewButtons
        kind="indicator"
        index={item.index}
        state={item.state}
        name={item.value}
        {...props}
      />
    </li>
  );
}

function EntityItem({ item, ...props }: { item: EntityView } & ReviewProps) {
  const { t } = useTranslation();
  const canonical =
    item.value !== null ? `${item.value}${item.unit ? ` ${item.unit}` : ''}` : item.id;
  return (
    <li className={`extraction extraction-${item.state}`} data-testid="entity-item">
      <div className="extraction-head">
        <span className={`badge kind-entity kind-${item.kind}`}>
          {t(`reports.entityKinds.${item.kind}`)}
        </span>
        <FocusLink id={markId('entity', item.index)} onFocus={props.onFocus}>
          {item.text}
        </FocusLink>
      </div>
      {canonical !== item.text ? <p className="muted small">{canonical}</p> : null}
      <ReviewButtons
        kind="entity"
        index={item.index}
        state={item.state}
        name={item.text}
        {...props}
      />
    </li>
  );
}

function ClaimItem({
  item,
  action,
  ...props
}: { item: ClaimView; action?: ((claim: ClaimView) => ReactNode) | undefined } & ReviewProps) {
  const { t } = useTranslation();
  return (
    <li className={`extraction extraction-${item.state}`} data-testid="claim-item">
      <dl className="claim-parts">
        <dt>{t('reports.claims.source')}</dt>
        <dd>
          <ClaimSource claim={item} />
        </dd>
        <dt>{t('reports.claims.actor')}</dt>
        <dd>
          <Party party={item.actor} />
        </dd>
        <dt>{t('reports.claims.target')}</dt>
        <dd>
          <Party party={item.target} />
        </dd>
        <dt>{t('reports.claims.stance')}</dt>
        <dd>
          <StanceBadge stance={item.stance} />
        </dd>
      </dl>
      <FocusLink id={markId('claim', item.index)} onFocus={props.onFocus}>
        <q className="claim-statement">{item.statement}</q>
      </FocusLink>
      <ReviewButtons
        kind="claim"
        index={item.index}
        state={item.state}
        name={item.statement.slice(0, 60)}
        {...props}
      />
      {action ? action(item) : null}
    </li>
  );
}

function DroppedItem({
  item,
  index,
  onFocus,
}: {
  item: DroppedView;
  index: number;
  onFocus: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <li className="extraction extraction-dropped" data-testid="dropped-item">
      <div className="extraction-head">
        <span className="badge kind-dropped">{t(`reports.indicatorTypes.${item.type}`)}</span>
        <FocusLink id={markId('dropped', index)} onFocus={onFocus}>
          <code className="extraction-value">{item.value}</code>
        </FocusLink>
      </div>
      <p className="small">
        {t('reports.dropped.because')} <span data-testid="dropped-reason">{item.reason}</span>
      </p>
    </li>
  );
}

function Group({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className="extraction-group">
      <h3>
        {title} <span className="muted">({count})</span>
      </h3>
      {count === 0 ? (
        <p className="muted small">{t('reports.none')}</p>
      ) : (
        <ul className="extraction-list">{children}</ul>
      )}
    </section>
  );
}

/** The side panel: every extraction with its review, and the values the allow-list dropped. */
export function Extractions({
  report,
  claimAction,
  ...props
}: {
  report: ReportView;
  /** What a reader may do with a claim besides its review (attach it to a commitment). */
  claimAction?: ((claim: ClaimView) => ReactNode) | undefined;
} & ReviewProps) {
  const { t } = useTranslation();
  const pending: ReviewItem[] = [
    ...report.indicators
      .filter((x) => x.state === 'pending')
      .map((x) => ({ kind: 'indicator' as const, index: x.index, state: 'accepted' as const })),
    ...report.entities
      .filter((x) => x.state === 'pending')
      .map((x) => ({ kind: 'entity' as const, index: x.index, state: 'accepted' as const })),
    ...report.claims
      .filter((x) => x.state === 'pending')
      .map((x) => ({ kind: 'claim' as const, index: x.index, state: 'accepted' as const })),
  ];
  return (
    <div className="extractions" data-testid="extractions">
      {props.onReview && pending.length > 0 ? (
        <button type="button" disabled={props.busy} onClick={() => props.onReview?.(pending)}>
          {t('reports.review.acceptPending', { count: pending.length })}
        </button>
      ) : null}
      <Group title={t('reports.indicators.title')} count={report.indicators.length}>
        {report.indicators.map((item) => (
          <IndicatorItem key={item.index} item={item} {...props} />
        ))}
      </Group>
      <Group title={t('reports.dropped.title')} count={report.dropped.length}>
        {report.dropped.map((item, index) => (
          <DroppedItem key={index} item={item} index={index} onFocus={props.onFocus} />
        ))}
      </Group>
      <Group title={t('reports.claims.title')} count={report.claims.length}>
        {report.claims.map((item) => (
          <ClaimItem key={item.index} item={item} action={claimAction} {...props} />
        ))}
      </Group>
      <Group title={t('reports.entities.title')} count={report.entities.length}>
        {report.entities.map((item) => (
          <EntityItem key={item.index} item={item} {...props} />
        ))}
      </Group>
    </div>
  );
}
