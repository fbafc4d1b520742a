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
import { ErrorAlert } from '../../../ui/errors';
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
      {error ? <ErrorAlert error={error} /> : null}
      {shown ? <ImportJob job={shown} mayWrite={mayWrite} onChanged={update} /> : null}
      {imports === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : imports.length === 0 ? (
        <p className="muted">{t('cases.imports.none')}</p>
      ) : (
        <ImportList imports={imports} shown={shown?.id ?? null} onShow={setSelected} />
      )}
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
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message?: string; error?: unknown } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (source === 'file' && !file) {
      fileInput.current?.focus();
      return setProblem({ message: t('cases.imports.form.fileRequired') });
    }
    if (source === 'url' && url.trim() === '') {
      document.getElementById(`${id}-url`)?.focus();
      return setProblem({ message: t('cases.imports.form.urlRequired') });
    }
    setBusy(true);
    setProblem(null);
    try {
      const job =
        source === 'file' && file
          ? await api.importFile(caseId, file, { format, tlp })
          : await api.importUrl(caseId, { url: url.trim(), format, tlp });
      setFile(null);
      setUrl('');
      if (fileInput.current) fileInput.current.value = '';
      onStarted(job);
    } catch (error) {
      setProblem({ error });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="form card import-form"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => void submit(event)}
    >
      <h3 id={`${id}-title`}>{t('cases.imports.form.title')}</h3>
      {problem ? <ErrorAlert {...problem} /> : null}
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
                setProblem(null);
              }}
            />
            {t(`cases.imports.form.sources.${kind}`)}
          </label>
        ))}
      </fieldset>
      {source === 'file' ? (
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('cases.imports.form.file')}</label>
          <input
            ref={fileInput}
            id={`${id}-file`}
            type="file"
            accept=".json,application/json,application/stix+json"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-url`}>{t('cases.imports.form.url')}</label>
          <input
            id={`${id}-url`}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://"
            value={url}
            aria-describedby={`${id}-url-hint`}
            onChange={(e) => setUrl(e.target.value)}
          />
          <p className="field-hint" id={`${id}-url-hint`}>
            {t('cases.imports.form.urlHint')}
          </p>
        </div>
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
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
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

  const resume = async () => {
    setBusy(true);
    setProblem(null);
    try {
      onChanged(await api.resumeImport(job.id));
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  };

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
      {problem ? <ErrorAlert error={problem} /> : null}
      {mayWrite && (job.status === 'failed' || job.status === 'interrupted') ? (
        <div className="form-actions">
          <button type="button" disabled={busy} onClick={() => void resume()}>
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
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);

  // Again whenever the job changes (a resumed job may add errors).
  useEffect(() => {
    let stale = false;
    setRows(null);
    setProblem(null);
    api.listImportErrors(job.id, 0, ERRORS_PAGE).then(
      (page) => {
        if (stale) return;
        setRows(page.errors);
        setNext(page.next);
      },
      (error: unknown) => {
        if (!stale) setProblem(error);
      },
    );
    return () => {
      stale = true;
    };
  }, [job.id, job.updatedAt]);

  const more = async () => {
    if (next === null) return;
    setBusy(true);
    setProblem(null);
    try {
      const page = await api.listImportErrors(job.id, next, ERRORS_PAGE);
      setRows((current) => [...(current ?? []), ...page.errors]);
      setNext(page.next);
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="import-errors">
      <h4 id={`${id}-title`}>{t('cases.imports.errors.title')}</h4>
      {problem ? <ErrorAlert error={problem} /> : null}
      {rows === null ? (
        problem ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : rows.length === 0 ? (
        <p className="muted">{t('cases.imports.errors.none')}</p>
      ) : (
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
              {rows.map((row) => (
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
      {next !== null ? (
        <button type="button" disabled={busy} onClick={() => void more()}>
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
  imports: ImportJobView[];
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
