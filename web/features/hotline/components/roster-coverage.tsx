import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/client';
import * as api from '../api';
import { TIERS, type CoverageView, type PeerCoverageView } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useLoader } from '../../../ui/hooks';
import { usePeers } from '../../../ui/period';
import { useLiveEvent } from '../../../app/live-events';
import { useUserTimeZone } from '../../../app/session';
import { PeerOptions } from './hotline';
import { CoverageGrid, IntervalList, coveredAndGaps, startOfDay } from './coverage';
import '../../notes/i18n';
import '../i18n';

// The coverage the roster gives (the next two weeks, per tier, with its gaps) and the
// coverage a peer last published (hotline roster page).

const TWO_WEEKS = 24 * 14;

export function Coverage() {
  const { t } = useTranslation();
  const id = useId();
  const zone = useUserTimeZone();
  const from = useMemo(() => new Date(startOfDay(Date.now(), zone)).toISOString(), [zone]);
  const {
    data: coverage,
    error,
    reload,
  } = useLoader<CoverageView>(useCallback(() => api.getCoverage(from, TWO_WEEKS), [from]));
  useLiveEvent(['hotline.roster', 'resync'], () => void reload());

  return (
    <section aria-labelledby={`${id}-title`} className="hotline-section">
      <h2 id={`${id}-title`}>{t('hotline.coverage.title')}</h2>
      <p className="muted">{t('hotline.coverage.intro', { zone })}</p>
      {error ? <ErrorAlert error={error} /> : null}
      {coverage === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        TIERS.map((tier) => {
          const tierCoverage = coverage.tiers[tier];
          if (!tierCoverage) return null;
          return (
            <section key={tier} aria-labelledby={`${id}-${tier}`} className="coverage-tier">
              <h3 id={`${id}-${tier}`}>{t(`hotline.tiers.${tier}`)}</h3>
              {tierCoverage.gaps.length === 0 ? (
                <p className="deadline-met" data-testid={`gaps-${tier}`}>
                  {t('hotline.coverage.noGaps')}
                </p>
              ) : (
                <div className="alert alert-error coverage-gaps" data-testid={`gaps-${tier}`}>
                  <p>{t('hotline.coverage.gaps', { count: tierCoverage.gaps.length })}</p>
                  <IntervalList
                    intervals={tierCoverage.gaps}
                    timeZone={zone}
                    label={t('hotline.coverage.gapsLabel', { tier: t(`hotline.tiers.${tier}`) })}
                  />
                </div>
              )}
              <CoverageGrid tier={tier} coverage={tierCoverage} timeZone={zone} />
            </section>
          );
        })
      )}
    </section>
  );
}

export function PeerCoverage() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const zone = useUserTimeZone();
  const { peers, error: peersError } = usePeers();
  const [peer, setPeer] = useState('');
  useEffect(() => {
    const active = (peers ?? []).filter((p) => p.status === 'active');
    if (active.length === 1 && active[0]) setPeer(active[0].nodeId);
  }, [peers]);
  const {
    data: coverage,
    error,
    reload,
  } = useLoader<PeerCoverageView | null>(
    useCallback(async () => {
      if (!peer) return null;
      try {
        return await api.getPeerCoverage(peer);
      } catch (failure) {
        if (failure instanceof ApiError && failure.code === 'no_coverage') return null;
        throw failure;
      }
    }, [peer]),
  );
  useLiveEvent(['hotline.roster', 'resync'], () => void reload());

  return (
    <section aria-labelledby={`${id}-title`} className="hotline-section">
      <h2 id={`${id}-title`}>{t('hotline.peerCoverage.title')}</h2>
      <p className="muted">{t('hotline.peerCoverage.intro')}</p>
      {peersError ? <ErrorAlert error={peersError} /> : null}
      <Field label={t('hotline.peerCoverage.peer')}>
        <select value={peer} onChange={(e) => setPeer(e.target.value)}>
          <PeerOptions peers={peers} />
        </select>
      </Field>
      {error ? <ErrorAlert error={error} /> : null}
      {!peer ? null : coverage === null ? (
        error ? null : (
          <div className="empty">
            <p>{t('hotline.peerCoverage.none')}</p>
          </div>
        )
      ) : (
        <>
          <p className="small muted">
            {t('hotline.peerCoverage.received', {
              at: new Intl.DateTimeFormat(i18n.language, {
                timeZone: zone,
                dateStyle: 'medium',
                timeStyle: 'short',
              }).format(new Date(coverage.receivedAt)),
            })}
          </p>
          {TIERS.map((tier) => {
            const tierCoverage = coverage.tiers[tier];
            if (!tierCoverage) return null;
            const runs = coveredAndGaps(coverage.from, coverage.to, tierCoverage.gaps);
            return (
              <section key={tier} aria-labelledby={`${id}-${tier}`} className="coverage-tier">
                <h3 id={`${id}-${tier}`}>{t(`hotline.tiers.${tier}`)}</h3>
                <IntervalList
                  className="plain coverage-runs"
                  label={t('hotline.peerCoverage.runs', { tier: t(`hotline.tiers.${tier}`) })}
                  timeZone={zone}
                  intervals={runs.map((run) => ({
                    ...run,
                    name: t(
                      run.covered ? 'hotline.coverage.covered' : 'hotline.coverage.notCovered',
                    ),
                  }))}
                />
                {tierCoverage.published.length > 0 ? (
                  <>
                    <h4>{t('hotline.peerCoverage.published')}</h4>
                    <IntervalList
                      className="plain"
                      label={t('hotline.peerCoverage.published')}
                      timeZone={zone}
                      intervals={tierCoverage.published}
                    />
                  </>
                ) : null}
              </section>
            );
          })}
        </>
      )}
    </section>
  );
}
