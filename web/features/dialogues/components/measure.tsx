import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeasureView } from '../../../../src/core/schemas/dialogues';
import type { MeasureCurrent } from '../../../../src/core/schemas/status-report';
import * as api from '../api';
import { AsyncTable } from '../../../ui/async-table';
import { formatShare } from '../../../ui/format';
import { useLoader } from '../../../ui/hooks';
import { MoreButton, When, pick, usePaged } from './parts';

type Unit = MeasureCurrent['unit'];

/** A measure's value as its unit reads: a share, yes or no, a count, a count a month. */
export function formatMeasure(
  value: number | null,
  unit: Unit | undefined,
  language: string,
  t: (
    key: 'dialogues.measure.yes' | 'dialogues.measure.no' | 'dialogues.measure.unknown',
  ) => string,
): string {
  if (value === null) return t('dialogues.measure.unknown');
  if (unit === 'share') return formatShare(value, language);
  if (unit === 'flag') return value >= 1 ? t('dialogues.measure.yes') : t('dialogues.measure.no');
  return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);
}

/** The tied measure: its definition, current value against the threshold, and its history. */
export function MeasurePanel({
  measure,
  peer,
  zone,
}: {
  measure: MeasureView;
  peer: string;
  zone: string;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const definitions = useLoader(useCallback(() => api.listMeasures(peer), [peer]));
  const definition = definitions.data?.measures.find((m) => m.key === measure.key);
  const unit = definition?.unit;
  const history = usePaged(
    useCallback(
      async (cursor) => {
        const page = await api.measureHistory(measure.key, peer, cursor);
        return { rows: page.readings, next: page.nextCursor };
      },
      // A new reading (measure.at) loads the history again.
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [measure.key, peer, measure.at],
    ),
  );
  const show = (value: number | null) => formatMeasure(value, unit, i18n.language, t);
  return (
    <section className="card dialogue-section measure" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('dialogues.measure.title')}</h2>
      <p className="lead">{definition ? pick(definition.title, i18n.language) : measure.key}</p>
      {definition ? (
        <p className="muted small">{pick(definition.definition, i18n.language)}</p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>{t('dialogues.measure.value')}</dt>
          <dd data-testid="measure-value">{show(measure.value)}</dd>
        </div>
        <div>
          <dt>{t('dialogues.measure.threshold')}</dt>
          <dd>
            {t(`dialogues.measure.comparators.${measure.comparator}`)} {show(measure.threshold)}
          </dd>
        </div>
        <div>
          <dt>{t('dialogues.measure.met')}</dt>
          <dd>
            {measure.met === null ? (
              <span className="badge">{t('dialogues.measure.unknown')}</span>
            ) : measure.met ? (
              <span className="badge measure-met" data-testid="measure-met">
                {t('dialogues.measure.isMet')}
              </span>
            ) : (
              <span className="badge measure-unmet" data-testid="measure-met">
                {t('dialogues.measure.notMet')}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('dialogues.measure.at')}</dt>
          <dd>
            <When at={measure.at} zone={zone} />
          </dd>
        </div>
      </dl>
      <h3>{t('dialogues.measure.history')}</h3>
      <AsyncTable
        rows={history.rows}
        error={history.error}
        onRetry={history.reload}
        empty={<p>{t('dialogues.measure.noHistory')}</p>}
        label={t('dialogues.measure.history')}
        rowKey={(r) => `${r.at}-${r.reason}`}
        rowTestId="measure-reading"
        columns={[
          { header: t('dialogues.measure.at'), rowHeader: true, cell: (r) => <When at={r.at} /> },
          { header: t('dialogues.measure.value'), cell: (r) => show(r.value) },
          {
            header: t('dialogues.measure.reason'),
            cell: (r) => t(`dialogues.measure.reasons.${r.reason}`),
          },
        ]}
      />
      <MoreButton list={history} />
    </section>
  );
}
