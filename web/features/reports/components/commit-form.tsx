import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CommitView, ReportView } from '../../../../src/core/schemas/reports';
import { AsyncList } from '../../../ui/async-table';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import * as api from '../api';
import { When } from './parts';

const TLPS = ['clear', 'green', 'amber', 'amber_strict', 'red'] as const;
type TlpChoice = (typeof TLPS)[number];

function useCases() {
  return useLoader(useCallback(() => api.openCases(), []));
}

function useCommit(report: ReportView, onDone: (view: CommitView) => void) {
  return useSubmit(
    (body: { caseId: string; tlp: TlpChoice }) => api.commit(report.id, body),
    onDone,
  );
}

/**
 * "Commit to a case": the accepted extractions, as STIX 2.1, under a TLP marking; once
 * committed (or for a peer's report), where they went instead of the form.
 */
export function CommitForm({ report, onDone }: { report: ReportView; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const cases = useCases();
  const [done, setDone] = useState<CommitView | null>(null);
  const commit = useCommit(report, (view) => {
    setDone(view);
    onDone();
  });
  const accepted =
    report.indicators.filter((x) => x.state === 'accepted').length +
    report.entities.filter((x) => x.state === 'accepted').length +
    report.claims.filter((x) => x.state === 'accepted').length;
  return (
    <section className="card reports-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('reports.commit.title')}</h2>
      {report.caseId ? (
        <p className="alert alert-ok" role="status" data-testid="committed">
          {t('reports.commit.committed')}{' '}
          <Link to={`/cases/${encodeURIComponent(report.caseId)}`}>{report.caseId}</Link>
          {report.committedAt ? (
            <>
              {' · '}
              <When at={report.committedAt} />
            </>
          ) : null}
        </p>
      ) : null}
      {done ? (
        <p className="muted small" data-testid="commit-objects">
          {t('reports.commit.objects', { count: done.objectIds.length, stixId: done.stixId })}
        </p>
      ) : null}
      {report.origin === 'peer' ? (
        <p className="muted" data-testid="from-peer">
          {t('reports.commit.fromPeer', { node: report.originNode ?? '' })}
        </p>
      ) : null}
      {report.caseId || report.origin === 'peer' ? null : (
        <OpenCommit accepted={accepted} commit={commit} cases={cases} />
      )}
    </section>
  );
}

function OpenCommit({
  accepted,
  commit,
  cases,
}: {
  accepted: number;
  commit: ReturnType<typeof useCommit>;
  cases: ReturnType<typeof useCases>;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [caseId, setCaseId] = useState('');
  const [tlp, setTlp] = useState<TlpChoice>('amber');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!caseId) {
      commit.fail({ message: t('reports.commit.chooseCase'), field: 'caseId' });
      return;
    }
    void commit.submit({ caseId, tlp });
  };
  return (
    <>
      <p className="muted" id={`${id}-intro`}>
        {t('reports.commit.intro', { count: accepted })}
      </p>
      <ProblemAlert
        problem={commit.problem}
        fields={{ caseId: t('reports.commit.case'), tlp: t('reports.commit.tlp') }}
      />
      <AsyncList
        rows={cases.data}
        error={cases.error}
        onRetry={() => void cases.reload()}
        empty={<p>{t('reports.commit.noCases')}</p>}
      >
        {(rows) => (
          <form
            className="form"
            noValidate
            onSubmit={submit}
            aria-label={t('reports.commit.title')}
            aria-describedby={`${id}-intro`}
          >
            <div className="field-row">
              <Field label={t('reports.commit.case')} invalid={commit.problem?.field === 'caseId'}>
                <select value={caseId} onChange={(e) => setCaseId(e.target.value)}>
                  <option value="">{t('reports.commit.pickCase')}</option>
                  {rows.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.title}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('reports.commit.tlp')}>
                <select value={tlp} onChange={(e) => setTlp(e.target.value as TlpChoice)}>
                  {TLPS.map((level) => (
                    <option key={level} value={level}>
                      {t(`reports.tlp.${level}`)}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            <div className="form-actions">
              <button
                type="submit"
                className="button-primary"
                disabled={commit.busy || accepted === 0}
              >
                {t('reports.commit.submit')}
              </button>
            </div>
          </form>
        )}
      </AsyncList>
    </>
  );
}
