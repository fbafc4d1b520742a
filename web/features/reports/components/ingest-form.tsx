import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { ReportView } from '../../../../src/core/schemas/reports';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import * as api from '../api';
import { reportPath } from './parts';

type Mode = 'text' | 'file' | 'url';
const MODES: readonly Mode[] = ['text', 'file', 'url'];
const LANGUAGES = ['', 'en', 'zh'] as const;

interface Meta {
  title?: string;
  source?: string;
  publishedAt?: string;
  language?: 'en' | 'zh';
}

/** What the form sends: a pasted text, a file, or a URL, with the fields all three share. */
type Ingest =
  | { mode: 'text'; text: string; meta: Meta }
  | { mode: 'file'; file: File; meta: Meta }
  | { mode: 'url'; url: string; meta: Meta };

function send(input: Ingest): Promise<ReportView> {
  if (input.mode === 'text') return api.createReport({ text: input.text, ...input.meta });
  if (input.mode === 'file') {
    return api.uploadReport(input.file, { ...input.meta, filename: input.file.name });
  }
  return api.reportFromUrl({ url: input.url, ...input.meta });
}

/** Only the fields filled in: the API refuses empty strings. */
function metaOf(fields: { title: string; source: string; published: string; language: string }) {
  const meta: Meta = {};
  if (fields.title.trim()) meta.title = fields.title.trim();
  if (fields.source.trim()) meta.source = fields.source.trim();
  if (fields.published) meta.publishedAt = fields.published;
  if (fields.language === 'en' || fields.language === 'zh') meta.language = fields.language;
  return meta;
}

/** Adds a report: pasted, uploaded (text, HTML, PDF, DOCX) or fetched by URL; opens it. */
export function IngestForm() {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const [mode, setMode] = useState<Mode>('text');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState('');
  const [title, setTitle] = useState('');
  const [source, setSource] = useState('');
  const [published, setPublished] = useState('');
  const [language, setLanguage] = useState('');
  const ingest = useSubmit(send, (report) => void navigate(reportPath(report.id)));
  const fields = {
    text: t('reports.ingest.text'),
    url: t('reports.ingest.url'),
    title: t('reports.fields.title'),
    source: t('reports.fields.source'),
    publishedAt: t('reports.fields.published'),
    language: t('reports.fields.language'),
    filename: t('reports.ingest.file'),
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const meta = metaOf({ title, source, published, language });
    if (mode === 'text') {
      if (!text.trim()) {
        ingest.fail({ message: t('reports.ingest.needText'), field: 'text' });
        return;
      }
      void ingest.submit({ mode, text, meta });
    } else if (mode === 'file') {
      if (!file) {
        ingest.fail({ message: t('reports.ingest.needFile'), field: 'filename' });
        return;
      }
      void ingest.submit({ mode, file, meta });
    } else {
      if (!url.trim()) {
        ingest.fail({ message: t('reports.ingest.needUrl'), field: 'url' });
        return;
      }
      void ingest.submit({ mode, url: url.trim(), meta });
    }
  };
  const invalid = (field: string) => ingest.problem?.field === field;
  return (
    <section className="card reports-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('reports.ingest.title')}</h2>
      <p className="muted">{t('reports.ingest.intro')}</p>
      <ProblemAlert problem={ingest.problem} fields={fields} />
      <form className="form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
        <fieldset className="reports-modes">
          <legend>{t('reports.ingest.how')}</legend>
          {MODES.map((m) => (
            <label key={m} className="reports-mode">
              <input
                type="radio"
                name={`${id}-mode`}
                value={m}
                checked={mode === m}
                onChange={() => {
                  setMode(m);
                  ingest.reset();
                }}
              />{' '}
              {t(`reports.ingest.modes.${m}`)}
            </label>
          ))}
        </fieldset>
        {mode === 'text' ? (
          <Field label={t('reports.ingest.text')} invalid={invalid('text')}>
            <textarea
              rows={10}
              value={text}
              onChange={(e) => setText(e.target.value)}
              spellCheck={false}
            />
          </Field>
        ) : null}
        {mode === 'file' ? (
          <Field
            label={t('reports.ingest.file')}
            hint={t('reports.ingest.fileHint')}
            invalid={invalid('filename')}
          >
            <input
              type="file"
              accept=".txt,.md,.html,.htm,.pdf,.docx,text/plain,text/html,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </Field>
        ) : null}
        {mode === 'url' ? (
          <Field
            label={t('reports.ingest.url')}
            hint={t('reports.ingest.urlHint')}
            invalid={invalid('url')}
          >
            <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
          </Field>
        ) : null}
        <div className="field-row">
          <Field label={t('reports.fields.title')} hint={t('reports.ingest.optional')}>
            <input value={title} maxLength={500} onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <Field label={t('reports.fields.source')} hint={t('reports.ingest.sourceHint')}>
            <input value={source} maxLength={500} onChange={(e) => setSource(e.target.value)} />
          </Field>
        </div>
        <div className="field-row">
          <Field label={t('reports.fields.published')} hint={t('reports.ingest.optional')}>
            <input type="date" value={published} onChange={(e) => setPublished(e.target.value)} />
          </Field>
          <Field label={t('reports.fields.language')}>
            <select value={language} onChange={(e) => setLanguage(e.target.value)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {l === '' ? t('reports.ingest.detect') : t(`reports.languages.${l}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={ingest.busy}>
            {ingest.busy ? t('reports.ingest.reading') : t('reports.ingest.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
