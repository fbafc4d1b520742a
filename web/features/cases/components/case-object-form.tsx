import type { TFunction } from 'i18next';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { CaseView, ObjectView, TlpLevel } from '../../../app/types';
import {
  OBJECT_TYPES,
  OPINIONS,
  RedRecipientsField,
  TlpField,
  isVersioned,
  optionLabel,
  typeName,
  type ObjectType,
} from './cases';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import '../i18n';

/** The relationship types of STIX 2.1 a case most often needs. */
export const RELATIONSHIP_TYPES = [
  'attributed-to',
  'indicates',
  'uses',
  'targets',
  'related-to',
  'communicates-with',
  'derived-from',
  'duplicate-of',
  'variant-of',
  'based-on',
  'compromises',
  'located-at',
] as const;

type Fields = Record<string, string>;

interface Draft {
  type: ObjectType;
  fields: Fields;
  isFamily: boolean;
  /** object_refs of opinions, notes and reports. */
  about: string[];
  /** x_liaison_evidence_refs of an attribution. */
  evidence: string[];
}

/** "2026-11-24T10:05" for a datetime-local input, in the browser's zone. */
function localNow(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(
    now.getHours(),
  )}:${pad(now.getMinutes())}`;
}

function isoOf(local: string): string | null {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function fresh(type: ObjectType): Draft {
  return {
    type,
    fields: { valid_from: localNow(), published: localNow(), relationship_type: 'attributed-to' },
    isFamily: false,
    about: [],
    evidence: [],
  };
}

/**
 * The STIX 2.1 object the draft describes, or the message of what is missing. Ids,
 * created, modified, spec_version and created_by_ref are the node's to add.
 */
export function buildObject(
  t: TFunction,
  draft: Draft,
): { object: Record<string, unknown> } | { missing: string } {
  const f = (key: string) => (draft.fields[key] ?? '').trim();
  const need = (...keys: string[]) => {
    const missing = keys.find((key) => f(key) === '');
    return missing
      ? { missing: t('cases.add.missing', { field: t(`cases.add.fields.${missing as FieldKey}`) }) }
      : null;
  };
  const optional = (...keys: string[]) =>
    Object.fromEntries(keys.filter((key) => f(key) !== '').map((key) => [key, f(key)]));
  const type = draft.type;
  switch (type) {
    case 'indicator': {
      const missing = need('name', 'pattern', 'valid_from');
      if (missing) return missing;
      const validFrom = isoOf(f('valid_from'));
      if (!validFrom) return { missing: t('cases.add.badDate') };
      return {
        object: {
          type,
          name: f('name'),
          pattern: f('pattern'),
          pattern_type: 'stix',
          valid_from: validFrom,
          ...optional('description'),
        },
      };
    }
    case 'ipv4-addr':
    case 'ipv6-addr':
    case 'domain-name':
    case 'url':
    case 'email-addr':
      return need('value') ?? { object: { type, value: f('value') } };
    case 'file': {
      const sha = f('sha256').toLowerCase();
      if (f('file_name') === '' && sha === '') {
        return { missing: t('cases.add.fileNeeds') };
      }
      if (sha !== '' && !/^[0-9a-f]{64}$/.test(sha)) return { missing: t('cases.add.badSha256') };
      return {
        object: {
          type,
          ...(f('file_name') ? { name: f('file_name') } : {}),
          ...(sha ? { hashes: { 'SHA-256': sha } } : {}),
        },
      };
    }
    case 'malware':
      return (
        need('name') ?? {
          object: { type, name: f('name'), is_family: draft.isFamily, ...optional('description') },
        }
      );
    case 'threat-actor':
    case 'intrusion-set':
    case 'attack-pattern':
      return need('name') ?? { object: { type, name: f('name'), ...optional('description') } };
    case 'report': {
      const missing = need('name', 'published');
      if (missing) return missing;
      if (draft.about.length === 0) return { missing: t('cases.add.aboutRequired') };
      const published = isoOf(f('published'));
      if (!published) return { missing: t('cases.add.badDate') };
      return {
        object: {
          type,
          name: f('name'),
          published,
          object_refs: draft.about,
          ...optional('description'),
        },
      };
    }
    case 'relationship': {
      const missing = need('relationship_type', 'source_ref', 'target_ref');
      if (missing) return missing;
      const confidence = f('confidence');
      const value = Number(confidence);
      if (confidence !== '' && (!Number.isInteger(value) || value < 0 || value > 100)) {
        return { missing: t('cases.add.badConfidence') };
      }
      const attribution = f('relationship_type') === 'attributed-to';
      return {
        object: {
          type,
          relationship_type: f('relationship_type'),
          source_ref: f('source_ref'),
          target_ref: f('target_ref'),
          ...(confidence !== '' ? { confidence: value } : {}),
          ...optional('description'),
          ...(attribution && draft.evidence.length > 0
            ? { x_liaison_evidence_refs: draft.evidence }
            : {}),
        },
      };
    }
    case 'sighting': {
      const missing = need('sighting_of_ref');
      if (missing) return missing;
      const count = f('count');
      const value = Number(count);
      if (count !== '' && (!Number.isInteger(value) || value < 0 || value > 999_999_999)) {
        return { missing: t('cases.add.badCount') };
      }
      return {
        object: {
          type,
          sighting_of_ref: f('sighting_of_ref'),
          ...(count !== '' ? { count: value } : {}),
          ...optional('description'),
        },
      };
    }
    case 'opinion': {
      const missing = need('opinion');
      if (missing) return missing;
      if (draft.about.length === 0) return { missing: t('cases.add.aboutRequired') };
      return {
        object: {
          type,
          opinion: f('opinion'),
          object_refs: draft.about,
          ...optional('explanation'),
        },
      };
    }
    case 'note': {
      const missing = need('content');
      if (missing) return missing;
      if (draft.about.length === 0) return { missing: t('cases.add.aboutRequired') };
      return {
        object: { type, content: f('content'), object_refs: draft.about, ...optional('abstract') },
      };
    }
  }
}

type FieldKey =
  | 'name'
  | 'description'
  | 'pattern'
  | 'valid_from'
  | 'value'
  | 'file_name'
  | 'sha256'
  | 'published'
  | 'relationship_type'
  | 'source_ref'
  | 'target_ref'
  | 'confidence'
  | 'sighting_of_ref'
  | 'count'
  | 'opinion'
  | 'explanation'
  | 'abstract'
  | 'content';

/** "Add an object": the type, the fields it needs, its TLP marking and RED recipients. */
export function AddObjectForm({
  detail,
  known,
  self,
  onAdded,
}: {
  detail: CaseView;
  /** The case's objects the page has read (a case may hold too many to offer them all). */
  known: readonly ObjectView[];
  self: string;
  onAdded: (object: ObjectView) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => fresh('indicator'));
  const [tlp, setTlp] = useState<TlpLevel>('amber');
  const [red, setRed] = useState<string[]>([]);
  const [added, setAdded] = useState<string | null>(null);
  const add = useSubmit(
    (body: Parameters<typeof api.addCaseObject>[1]) => api.addCaseObject(detail.id, body),
    (view) => {
      setAdded(optionLabel(t, view, byId));
      setDraft((current) => fresh(current.type));
      onAdded(view);
    },
  );
  const busy = add.busy;
  const objects = known.filter((o) => !o.revoked);
  const byId = useMemo(() => new Map(known.map((o) => [o.id, o])), [known]);
  const otherNodes = [detail.owner, ...detail.participants].filter((n) => n !== self);

  const field = (key: FieldKey) => draft.fields[key] ?? '';
  const setField = (key: FieldKey, value: string) =>
    setDraft((current) => ({ ...current, fields: { ...current.fields, [key]: value } }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const built = buildObject(t, draft);
    if ('missing' in built) {
      add.fail({ message: built.missing });
      return;
    }
    setAdded(null);
    void add.submit({ object: built.object, tlp, redRecipients: tlp === 'red' ? red : [] });
  };

  const input = (key: FieldKey, opts: { type?: string; hint?: string; max?: number } = {}) => (
    <Field id={`${id}-${key}`} label={t(`cases.add.fields.${key}`)} hint={opts.hint}>
      <input
        type={opts.type ?? 'text'}
        value={field(key)}
        maxLength={opts.max ?? 2000}
        onChange={(e) => setField(key, e.target.value)}
      />
    </Field>
  );
  const area = (key: FieldKey) => (
    <Field id={`${id}-${key}`} label={t(`cases.add.fields.${key}`)}>
      <textarea
        rows={3}
        maxLength={20_000}
        value={field(key)}
        onChange={(e) => setField(key, e.target.value)}
      />
    </Field>
  );
  const choose = (key: FieldKey, candidates: ObjectView[]) => (
    <Field id={`${id}-${key}`} label={t(`cases.add.fields.${key}`)}>
      <select value={field(key)} onChange={(e) => setField(key, e.target.value)}>
        <option value="">{t('cases.add.chooseObject')}</option>
        {candidates.map((o) => (
          <option key={o.id} value={o.id}>
            {optionLabel(t, o, byId)}
          </option>
        ))}
      </select>
    </Field>
  );
  const pick = (which: 'about' | 'evidence', legend: string, candidates: ObjectView[]) => (
    <fieldset className="checkboxes object-picker">
      <legend>{legend}</legend>
      {candidates.length === 0 ? <p className="muted small">{t('cases.add.noObjects')}</p> : null}
      {candidates.map((o) => (
        <label key={o.id} className="checkbox" htmlFor={`${id}-${which}-${o.id}`}>
          <input
            id={`${id}-${which}-${o.id}`}
            type="checkbox"
            checked={draft[which].includes(o.id)}
            onChange={(e) =>
              setDraft((current) => ({
                ...current,
                [which]: e.target.checked
                  ? [...current[which], o.id]
                  : current[which].filter((x) => x !== o.id),
              }))
            }
          />
          {optionLabel(t, o, byId)}
        </label>
      ))}
    </fieldset>
  );

  const sdos = objects.filter(
    (o) => isVersioned(o.type) && o.type !== 'relationship' && o.type !== 'sighting',
  );
  const nodesOnly = objects.filter((o) => o.type !== 'relationship' && o.type !== 'sighting');

  const typeFields = () => {
    switch (draft.type) {
      case 'indicator':
        return (
          <>
            {input('name', { max: 300 })}
            {input('pattern', { hint: t('cases.add.patternHint') })}
            <p className="small muted">{t('cases.add.patternType')}</p>
            {input('valid_from', { type: 'datetime-local' })}
            {area('description')}
          </>
        );
      case 'ipv4-addr':
      case 'ipv6-addr':
      case 'domain-name':
      case 'url':
      case 'email-addr':
        return input('value', { hint: t(`cases.add.valueHints.${draft.type}`) });
      case 'file':
        return (
          <>
            {input('file_name', { max: 300 })}
            {input('sha256', { hint: t('cases.add.sha256Hint'), max: 64 })}
          </>
        );
      case 'malware':
        return (
          <>
            {input('name', { max: 300 })}
            <label className="checkbox" htmlFor={`${id}-family`}>
              <input
                id={`${id}-family`}
                type="checkbox"
                checked={draft.isFamily}
                onChange={(e) =>
                  setDraft((current) => ({ ...current, isFamily: e.target.checked }))
                }
              />
              {t('cases.add.fields.is_family')}
            </label>
            {area('description')}
          </>
        );
      case 'threat-actor':
      case 'intrusion-set':
      case 'attack-pattern':
        return (
          <>
            {input('name', { max: 300 })}
            {area('description')}
          </>
        );
      case 'report':
        return (
          <>
            {input('name', { max: 300 })}
            {input('published', { type: 'datetime-local' })}
            {area('description')}
            {pick('about', t('cases.add.fields.object_refs'), objects)}
          </>
        );
      case 'relationship':
        return (
          <>
            <Field id={`${id}-relationship_type`} label={t('cases.add.fields.relationship_type')}>
              <select
                value={field('relationship_type')}
                onChange={(e) => setField('relationship_type', e.target.value)}
              >
                {RELATIONSHIP_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {type}
                  </option>
                ))}
              </select>
            </Field>
            <div className="field-row">
              {choose('source_ref', nodesOnly)}
              {choose('target_ref', nodesOnly)}
            </div>
            {input('confidence', { type: 'number', hint: t('cases.add.confidenceHint'), max: 3 })}
            {area('description')}
            {field('relationship_type') === 'attributed-to'
              ? pick('evidence', t('cases.add.fields.evidence'), objects)
              : null}
          </>
        );
      case 'sighting':
        return (
          <>
            {choose('sighting_of_ref', sdos)}
            {input('count', { type: 'number', max: 9 })}
            {area('description')}
          </>
        );
      case 'opinion':
        return (
          <>
            <Field id={`${id}-opinion`} label={t('cases.add.fields.opinion')}>
              <select
                value={field('opinion')}
                onChange={(e) => setField('opinion', e.target.value)}
              >
                <option value="">{t('cases.add.chooseOpinion')}</option>
                {OPINIONS.map((opinion) => (
                  <option key={opinion} value={opinion}>
                    {t(`cases.opinions.${opinion}`)}
                  </option>
                ))}
              </select>
            </Field>
            {area('explanation')}
            {pick('about', t('cases.add.fields.object_refs'), objects)}
          </>
        );
      case 'note':
        return (
          <>
            {input('abstract', { max: 300 })}
            {area('content')}
            {pick('about', t('cases.add.fields.object_refs'), objects)}
          </>
        );
    }
  };

  return (
    <section className="card case-add" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('cases.add.title')}</h2>
      <form className="form" noValidate aria-labelledby={`${id}-title`} onSubmit={submit}>
        <ProblemAlert problem={add.problem} />
        {added ? (
          <p role="status" className="alert alert-ok">
            {t('cases.add.added', { label: added })}
          </p>
        ) : null}
        <Field
          id={`${id}-type`}
          label={t('cases.add.type')}
          hint={
            ['relationship', 'sighting', 'opinion', 'note', 'report'].includes(draft.type) &&
            known.length < detail.objectCount ? (
              <span data-testid="add-known-hint">
                {t('cases.add.knownOnly', { count: known.length, total: detail.objectCount })}
              </span>
            ) : undefined
          }
        >
          <select
            value={draft.type}
            onChange={(e) => {
              add.reset();
              setDraft((current) => ({
                ...fresh(e.target.value as ObjectType),
                about: current.about,
              }));
            }}
          >
            {OBJECT_TYPES.map((type) => (
              <option key={type} value={type}>
                {typeName(t, type)}
              </option>
            ))}
          </select>
        </Field>
        {typeFields()}
        <TlpField id={id} value={tlp} onChange={setTlp} />
        {tlp === 'red' ? (
          <RedRecipientsField nodes={otherNodes} value={red} onChange={setRed} />
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('cases.add.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
