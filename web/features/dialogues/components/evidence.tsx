import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Evidence } from '../../../../src/core/schemas/dialogues';
import { Field } from '../../../ui/field';

const LINKED = {
  request: '/requests/',
  call: '/hotline/',
  case: '/cases/',
  exercise: '/exercises/',
};
type Kind = Evidence['kind'];
const KINDS: readonly Kind[] = ['request', 'call', 'case', 'exercise', 'url', 'file'];

/** A list of evidence: links to the node's records, web links, files by name and hash. */
export function EvidenceList({ evidence }: { evidence: readonly Evidence[] }) {
  const { t } = useTranslation();
  if (evidence.length === 0) return <p className="muted small">{t('dialogues.evidence.none')}</p>;
  return (
    <ul className="evidence-list">
      {evidence.map((e, index) => (
        <li key={index} data-testid="evidence">
          <span className="tag">{t(`dialogues.evidence.kinds.${e.kind}`)}</span>{' '}
          {e.kind === 'url' ? (
            <a href={e.url} rel="noopener noreferrer" target="_blank">
              {e.label || e.url}
            </a>
          ) : e.kind === 'file' ? (
            <>
              {e.label || e.name}{' '}
              <span className="muted small">
                {e.name} · SHA-256 <code>{e.sha256}</code>
              </span>
            </>
          ) : (
            <Link to={`${LINKED[e.kind]}${encodeURIComponent(e.id)}`}>{e.label || e.id}</Link>
          )}
        </li>
      ))}
    </ul>
  );
}

async function sha256(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Adds evidence to a list: a record of this node by id, a web link, or a file's hash. */
export function EvidenceEditor({
  evidence,
  onChange,
}: {
  evidence: Evidence[];
  onChange: (evidence: Evidence[]) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [kind, setKind] = useState<Kind>('request');
  const [target, setTarget] = useState('');
  const [label, setLabel] = useState('');
  const [file, setFile] = useState<{ name: string; sha256: string } | null>(null);
  const [hashing, setHashing] = useState(false);
  const add = () => {
    let item: Evidence | null = null;
    if (kind === 'file') item = file ? { kind, ...file, label } : null;
    else if (kind === 'url') item = target.trim() ? { kind, url: target.trim(), label } : null;
    else item = target.trim() ? { kind, id: target.trim(), label } : null;
    if (!item) return;
    onChange([...evidence, item]);
    setTarget('');
    setLabel('');
    setFile(null);
  };
  return (
    <fieldset className="evidence-editor">
      <legend>{t('dialogues.evidence.title')}</legend>
      {evidence.length > 0 ? (
        <ul className="evidence-list">
          {evidence.map((e, index) => (
            <li key={index}>
              <span className="tag">{t(`dialogues.evidence.kinds.${e.kind}`)}</span>{' '}
              {e.kind === 'url'
                ? e.url
                : e.kind === 'file'
                  ? `${e.name} (${e.sha256.slice(0, 12)}…)`
                  : e.id}{' '}
              <button
                type="button"
                className="row-remove"
                onClick={() => onChange(evidence.filter((_, i) => i !== index))}
              >
                {t('dialogues.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="field-row">
        <Field label={t('dialogues.evidence.kind')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`dialogues.evidence.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        {kind === 'file' ? (
          <Field
            label={t('dialogues.evidence.file')}
            hint={t('dialogues.evidence.fileHint')}
            id={`${id}-file`}
          >
            <input
              type="file"
              onChange={(e) => {
                const chosen = e.target.files?.[0];
                if (!chosen) return;
                setHashing(true);
                void sha256(chosen)
                  .then((hash) => setFile({ name: chosen.name, sha256: hash }))
                  .finally(() => setHashing(false));
              }}
            />
          </Field>
        ) : (
          <Field label={kind === 'url' ? t('dialogues.evidence.url') : t('dialogues.evidence.id')}>
            <input value={target} onChange={(e) => setTarget(e.target.value)} />
          </Field>
        )}
        <Field label={t('dialogues.evidence.label')}>
          <input value={label} onChange={(e) => setLabel(e.target.value)} />
        </Field>
        <button type="button" disabled={hashing} onClick={add}>
          {t('dialogues.evidence.add')}
        </button>
      </div>
      {file ? (
        <p className="muted small">
          {file.name} · SHA-256 <code>{file.sha256}</code>
        </p>
      ) : null}
    </fieldset>
  );
}
