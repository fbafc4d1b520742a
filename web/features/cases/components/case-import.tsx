import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import {
  IMPORT_FORMATS,
  type ImportErrorView,
  type ImportFormat,
  type ImportJobView,
  type ImportStatus,
  type TlpLevel,
} from '../../../app/types';
import { TlpBadge, TlpField } from './cases';
import { ChoiceField } from '../../../ui/choice-field';
import { AsyncList } from '../../../ui/async-table';
import { ProblemAlert, problemFields } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { formatDateTime } from '../../../ui/format';
import { useCoalesced, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useUserTimeZone } from '../../../app/session';
import '../i18n';

/** How often the page asks for a running import when the live stream says nothing. */
const POLL_MS = 1000;
/** Errors shown per page of the error report. */
const ERRORS_PAGE = 100;

/** Data of the `import.progress` event. */
function isImportEvent(data: unknown): data is { job: ImportJobView } {
  const job = (data as { job?: unknown } | null)?.job;
  return (
    typeof job === 'object' &&
    job !== null &&
    typeof (job as { id?: unknown }).id === 'string' &&
    typeof (job as { caseId?: unknown }).caseId === 'string'
  );
}

/** The newer of two views of a job: counts only grow, and an ended job stays ended. */
function newer(current: ImportJobView, next: ImportJobView): ImportJobView {
  if (current.status !== 'running' && next.status === 'running') {
    // A resumed job runs again; an older 'running' view arriving late does not.
    return next.updatedAt > current.updatedAt ? next : current;
  }
  return next.updatedAt >= current.updatedAt ? next : current;
}

/** Puts `job` in the list (newest first), replacing an older view of it. */
function upsert(list: ImportJobView[] | null, job: ImportJobView): ImportJobView[] {
  const current = list ?? [];
  const old = current.find((j) => j.id === job.id);
  if (!old) return [job, ...current];
  const chosen = newer(old, job);
  return chosen === old ? current : current.map((j) => (j.id === job.id ? chosen : j));
}

/** "upload:bundle.json" → "bundle.json"; a URL or a path stays as it is. */
export function sourceName(source: string): string {
  return source.startsWith('upload:') ? source.slice('upload:'.length) : source;
}

/** Objects per second over the job's run, or null when no time has passed yet. */
export function objectsPerSecond(job: ImportJobView): number | null {
  const end = Date.parse(job.finishedAt ?? job.updatedAt);
  const seconds = (end - Date.parse(job.startedAt)) / 1000;
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  return job.read / seconds;
}

function formatBytes(bytes: number, language: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

function ImportStatusBadge({ status }: { status: ImportStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge import-status-${status}`}>{t(`cases.imports.statuses.${status}`)}</span>
  );
}

function When({ iso }: { iso: string }) {
  const { i18n } = useTranslation();
  const zone = useUserTimeZone();
  return <time dateTime={iso}>{formatDateTime(iso, i18n.language, zone)}</time>;
}

/**
 * Bulk imports into the case: a STIX 2.1 bundle or a MISP event, from a file or a URL the
 * node fetches; the progress of each, live; what it could not take and why; the imports so far.
 */
export function CaseImports({ caseId, mayWrite }: { caseId: string; mayWrite: boolean }) {
  const { t } = useTranslation();
  const {
    data: imports,
    setData,
    error,
    reload,
  } = useLoader<ImportJobView[]>(useCallback(() => api.listImports(caseId), [caseId]));
  const refresh = useCoalesced(reload);
  const [selected, setSelected] = useState<string | null>(null);
  useLiveEvent('resync', refresh);
  useLiveEvent('import.progress', (data) => {
    if (isImportEvent(data) && data.job.caseId === caseId) {
      setData((list) => upsert(list, data.job));
    }
  });
  const update = useCallback(
    (job: ImportJobView) => setData((list) => upsert(list, job)),
    [setData],
  );
  const started = (job: ImportJobView) => {
    update(job);
    setSelected(job.id);
  };
  // The import chosen in the list; else the newest.
  const shown = imports?.find((j) => j.id === selected) ?? imports?.[0] ?? null;

  return (
    <section className="case-section case-imports" aria-labelledby="case-imports">
      <h2 id="case-imports">{t('cases.imports.title')}</h2>
      <p className="muted">{t('cases.imports.intro')}</p>
      {mayWrite ? <ImportForm caseId={caseId} onStarted={started} /> : null}
      {shown ? <ImportJob job={shown} mayWrite={mayWrite} onChanged={update} /> : null}
      <AsyncList
        rows={imports}
        error={error}
        empty={<p className="muted">{t('cases.imports.none')}</p>}
      >
        {(list) => <ImportList imports={list} shown={shown?.id ?? null} onShow={setSelected} />}
      </AsyncList>
    </section>
  );
}

type Source = 'file' | 'url';

/** Chooses what to import (a file or a URL), its format and the TLP of unmarked objects. */
function ImportForm({
  caseId,
  onStarted,
}: {
  caseId: string;
  onStarted: (job: ImportJobView) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [source, setSource] = useState<Source>('file');
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<ImportFormat>('stix');
  const [tlp, setTlp] = useState<TlpLevel>('amber');
  const start = useSubmit(
    (from: File | string) =>
      typeof from === 'string'
        ? api.importUrl(caseId, { url: from, format, tlp })
        : api.importFile(caseId, from, { format, tlp }),
    (job) => {
      setFile(null);
      setUrl('');
      if (fileInput.current) fileInput.current.value = '';
      onStarted(job);
    },
  );
  const busy = start.busy;
  const invalid = problemFields(start.problem);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (source === 'file') {
      if (!file) {
        fileInput.current?.focus();
        start.fail({ message: t('cases.imports.form.fileRequired'), field: 'file' });
        return;
      }
      void start.submit(file);
      return;
    }
    if (url.trim() === '') {
      document.getElementById(`${id}-url`)?.focus();
      start.fail({ message: t('cases.imports.form.urlRequired'), field: 'url' });
      return;
    }
    void start.submit(url.trim());
  };

  return (
    <form
      className="form card import-form"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={submit}
    >
      <h3 id={`${id}-title`}>{t('cases.imports.form.title')}</h3>
      <ProblemAlert problem={start.problem} />
      <fieldset className="checkboxes">
        <legend>{t('cases.imports.form.source')}</legend>
        {(['file', 'url'] as const).map((kind) => (
          <label key={kind} className="checkbox" htmlFor={`${id}-source-${kind}`}>
            <input
              id={`${id}-source-${kind}`}
              type="radio"
              name={`${id}-source`}
              checked={source === kind}
              onChange={() => {
                setSource(kind);
                start.reset();
              }}
            />
            {t(`cases.imports.form.sources.${kind}`)}
          </label>
        ))}
      </fieldset>
      {source === 'file' ? (
        <Field id={`${id}-file`} label={t('cases.imports.form.file')} invalid={invalid.has('file')}>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json,application/stix+json"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </Field>
      ) : (
        <Field
          id={`${id}-url`}
          invalid={invalid.has('url')}
          label={t('cases.imports.form.url')}
          hint={t('cases.imports.form.urlHint')}
        >
          <input
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </Field>
      )}
      <div className="field-row">
        <ChoiceField
          id={`${id}-format`}
          label={t('cases.imports.form.format')}
          value={format}
          options={IMPORT_FORMATS}
          labelOf={(f) => t(`cases.imports.formats.${f}`)}
          onChange={setFormat}
        />
        <TlpField id={id} value={tlp} onChange={setTlp} label={t('cases.imports.form.tlp')} />
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy
            ? source === 'file'
              ? t('cases.imports.form.uploading')
              : t('cases.imports.form.starting')
            : t('cases.imports.form.submit')}
        </button>
      </div>
    </form>
  );
}

/** One import: how far it is (live), its counts, and once ended its summary and errors. */
function ImportJob({
  job,
  mayWrite,
  onChanged,
}: {
  job: ImportJobView;
  mayWrite: boolean;
  onChanged: (job: ImportJobView) => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const resume = useSubmit(api.resumeImport, onChanged);
  const running = job.status === 'running';
  const ended = job.status === 'running' ? null : job.status;

  // The live stream brings each step; asking every second as well covers a stream that
  // is down or an event that was missed.
  useEffect(() => {
    if (!running) return;
    let stopped = false;
    const timer = setInterval(() => {
      api.getImport(job.id).then(
        (fresh) => {
          if (!stopped) onChanged(fresh);
        },
        () => undefined,
      );
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [running, job.id, onChanged]);

  const number = (n: number) => n.toLocaleString(i18n.language);
  const rate = objectsPerSecond(job);
  const percent =
    job.bytesTotal !== null && job.bytesTotal > 0
      ? Math.min(100, Math.round((job.bytesRead / job.bytesTotal) * 100))
      : null;
  const counts = [
    ['read', job.read],
    ['imported', job.imported],
    ['updated', job.updated],
    ['unchanged', job.unchanged],
    ['elsewhere', job.elsewhere],
    ['failed', job.failed],
  ] as const;

  return (
    <section className="card import-job" aria-labelledby={`${id}-title`} data-testid="import-job">
      <div className="section-head">
        <h3 id={`${id}-title`}>
          {t('cases.imports.job.title', { source: sourceName(job.source) })}
        </h3>
        <span data-testid="import-status">
          <ImportStatusBadge status={job.status} />
        </span>
      </div>
      <p className="muted small">
        {t(`cases.imports.formats.${job.format}`)} · {t('cases.imports.job.unmarked')}{' '}
        <TlpBadge level={job.tlp} /> · {t('cases.imports.job.started')} <When iso={job.startedAt} />
        {job.finishedAt ? (
          <>
            {' '}
            · {t('cases.imports.job.finished')} <When iso={job.finishedAt} />
          </>
        ) : null}
      </p>
      <div className="import-progress">
        {running && percent === null ? (
          <progress aria-label={t('cases.imports.job.progress')} />
        ) : (
          <progress
            aria-label={t('cases.imports.job.progress')}
            max={100}
            value={job.status === 'done' ? 100 : (percent ?? 0)}
          />
        )}
        <span className="small" aria-live="polite">
          {job.bytesTotal !== null
            ? t('cases.imports.job.bytesOf', {
                read: formatBytes(job.bytesRead, i18n.language),
                total: formatBytes(job.bytesTotal, i18n.language),
                percent: percent ?? 0,
              })
            : t('cases.imports.job.bytes', { read: formatBytes(job.bytesRead, i18n.language) })}
        </span>
      </div>
      <dl className="stats import-counts" aria-label={t('cases.imports.job.counts')}>
        {counts.map(([key, value]) => (
          <div key={key}>
            <dt>{t(`cases.imports.counts.${key}`)}</dt>
            <dd data-testid={`import-${key}`}>{number(value)}</dd>
          </div>
        ))}
        <div>
          <dt>{t('cases.imports.counts.rate')}</dt>
          <dd data-testid="import-rate">
            {rate === null
              ? '—'
              : t('cases.imports.job.perSecond', {
                  rate: rate.toLocaleString(i18n.language, { maximumFractionDigits: 1 }),
                })}
          </dd>
        </div>
      </dl>
      {ended === null ? null : (
        <p role="status" className={ended === 'done' ? 'alert alert-ok' : 'alert alert-error'}>
          {t(`cases.imports.job.summary.${ended}`, {
            imported: job.imported,
            updated: job.updated,
            unchanged: job.unchanged,
            elsewhere: job.elsewhere,
            failed: job.failed,
          })}
        </p>
      )}
      {job.message ? (
        <p className="import-message" data-testid="import-message">
          <strong>{t('cases.imports.job.message')}</strong> {job.message}
        </p>
      ) : null}
      <ProblemAlert problem={resume.problem} />
      {mayWrite && (job.status === 'failed' || job.status === 'interrupted') ? (
        <div className="form-actions">
          <button type="button" disabled={resume.busy} onClick={() => void resume.submit(job.id)}>
            {t('cases.imports.job.resume')}
          </button>
          <span className="muted small">{t('cases.imports.job.resumeHint')}</span>
        </div>
      ) : null}
      {running ? null : <ImportErrors job={job} />}
    </section>
  );
}

/** The import's error report, a page at a time: each object it could not take, and why. */
function ImportErrors({ job }: { job: ImportJobView }) {
  const { t } = useTranslation();
  const id = useId();
  const [rows, setRows] = useState<ImportErrorView[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const more = useSubmit(
    (from: number) => api.listImportErrors(job.id, from, ERRORS_PAGE),
    (page) => {
      setRows((current) => [...(current ?? []), ...page.errors]);
      setNext(page.next);
    },
  );

  // Again whenever the job changes (a resumed job may add errors).
  useEffect(() => {
    let stale = false;
    setRows(null);
    setError(null);
    api.listImportErrors(job.id, 0, ERRORS_PAGE).then(
      (page) => {
        if (stale) return;
        setRows(page.errors);
        setNext(page.next);
      },
      (error: unknown) => {
        if (!stale) setError(error);
      },
    );
    return () => {
      stale = true;
    };
  }, [job.id, job.updatedAt]);

  return (
    <div className="import-errors">
      <h4 id={`${id}-title`}>{t('cases.imports.errors.title')}</h4>
      <ProblemAlert problem={more.problem} />
      <AsyncList
        rows={rows}
        error={error}
        empty={<p className="muted">{t('cases.imports.errors.none')}</p>}
      >
        {(list) => (
          <div className="table-wrap">
            <table aria-labelledby={`${id}-title`} data-testid="import-errors">
              <thead>
                <tr>
                  <th scope="col">{t('cases.imports.errors.position')}</th>
                  <th scope="col">{t('cases.imports.errors.object')}</th>
                  <th scope="col">{t('cases.imports.errors.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((row) => (
                  <tr key={row.n} data-testid="import-error">
                    <td className="num">
                      {row.position === null || row.position < 0 ? '—' : row.position + 1}
                    </td>
                    <td>{row.objectId ? <code>{row.objectId}</code> : '—'}</td>
                    <td>{row.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncList>
      {next !== null ? (
        <button
          type="button"
          disabled={more.busy}
          onClick={() => next !== null && void more.submit(next)}
        >
          {t('cases.imports.errors.more')}
        </button>
      ) : null}
    </div>
  );
}

/** The case's imports, newest first; "Show" puts one in the panel above. */
function ImportList({
  imports,
  shown,
  onShow,
}: {
  imports: readonly ImportJobView[];
  shown: string | null;
  onShow: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption>{t('cases.imports.list.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('cases.imports.list.started')}</th>
            <th scope="col">{t('cases.imports.list.source')}</th>
            <th scope="col">{t('cases.imports.list.format')}</th>
            <th scope="col">{t('cases.imports.list.status')}</th>
            <th scope="col">{t('cases.imports.counts.imported')}</th>
            <th scope="col">{t('cases.imports.counts.failed')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('cases.imports.list.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {imports.map((job) => (
            <tr key={job.id} data-testid="import-row">
              <td className="nowrap">
                <When iso={job.startedAt} />
              </td>
              <td className="import-source">{sourceName(job.source)}</td>
              <td>{t(`cases.imports.formats.${job.format}`)}</td>
              <td>
                <ImportStatusBadge status={job.status} />
              </td>
              <td className="num">{job.imported.toLocaleString(i18n.language)}</td>
              <td className="num">{job.failed.toLocaleString(i18n.language)}</td>
              <td className="actions">
                <button
                  type="button"
                  className="button-quiet"
                  aria-pressed={job.id === shown}
                  onClick={() => onShow(job.id)}
                >
                  {t('cases.imports.list.show')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
