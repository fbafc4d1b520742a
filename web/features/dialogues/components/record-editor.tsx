import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  MeasureComparator,
  OutcomeKind,
  RecordContent,
  RecordContentBody,
} from '../../../../src/core/schemas/dialogues';
import { MEASURE_COMPARATORS, OUTCOME_KINDS } from './choices';
import * as api from '../api';
import { ProblemAlert, type Problem } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useLoader } from '../../../ui/hooks';
import { pick } from './parts';

interface OutcomeRow {
  paragraph: string;
  kind: OutcomeKind;
  en: string;
  zh: string;
}
interface CommitmentRow {
  id?: string;
  en: string;
  zh: string;
  ownerSides: string[];
  owner: string;
  dueDate: string;
  paragraph: string;
  measureKey: string;
  comparator: MeasureComparator;
  threshold: string;
  keep: Pick<RecordContent['commitments'][number], 'evidence' | 'source'>;
}

function rowsOf(content: RecordContent | null) {
  return {
    outcomes: (content?.outcomes ?? []).map((o): OutcomeRow => ({
      paragraph: String(o.paragraph),
      kind: o.kind,
      en: o.text.en,
      zh: o.text.zh,
    })),
    commitments: (content?.commitments ?? []).map((c): CommitmentRow => ({
      id: c.id,
      en: c.what.en,
      zh: c.what.zh,
      ownerSides: c.ownerSides,
      owner: c.owner,
      dueDate: c.dueDate,
      paragraph: String(c.paragraph),
      measureKey: c.measure?.key ?? '',
      comparator: c.measure?.comparator ?? 'gte',
      threshold: c.measure ? String(c.measure.threshold) : '',
      keep: { evidence: c.evidence, source: c.source },
    })),
  };
}

function contentOf(outcomes: OutcomeRow[], commitments: CommitmentRow[]): RecordContentBody {
  return {
    outcomes: outcomes.map((o) => ({
      paragraph: Number(o.paragraph),
      kind: o.kind,
      text: { en: o.en, zh: o.zh },
    })),
    commitments: commitments.map((c) => ({
      ...(c.id ? { id: c.id } : {}),
      what: { en: c.en, zh: c.zh },
      ownerSides: c.ownerSides,
      owner: c.owner,
      dueDate: c.dueDate,
      paragraph: Number(c.paragraph),
      evidence: c.keep.evidence,
      source: c.keep.source,
      measure: c.measureKey
        ? { key: c.measureKey, comparator: c.comparator, threshold: Number(c.threshold) }
        : null,
    })),
  };
}

export interface EditorAction {
  label: string;
  primary?: boolean;
  run: (content: RecordContentBody) => void;
}

/**
 * The record of a meeting as it is written: outcome paragraphs (kind, both languages) and
 * the commitments they create (what, owner sides, owner, due, paragraph, tied measure).
 */
export function RecordEditor({
  parties,
  peer,
  start,
  actions,
  busy,
  problem,
  label,
}: {
  parties: string[];
  peer: string;
  start: RecordContent | null;
  actions: EditorAction[];
  busy: boolean;
  problem: Problem | null;
  label: string;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const first = rowsOf(start);
  const [outcomes, setOutcomes] = useState<OutcomeRow[]>(first.outcomes);
  const [commitments, setCommitments] = useState<CommitmentRow[]>(first.commitments);
  const measures = useLoader(useCallback(() => api.listMeasures(peer), [peer]));
  const setOutcome = (index: number, change: Partial<OutcomeRow>) =>
    setOutcomes((all) => all.map((o, i) => (i === index ? { ...o, ...change } : o)));
  const setCommitment = (index: number, change: Partial<CommitmentRow>) =>
    setCommitments((all) => all.map((c, i) => (i === index ? { ...c, ...change } : c)));
  const nextParagraph = Math.max(0, ...outcomes.map((o) => Number(o.paragraph) || 0)) + 1;

  return (
    <form
      className="form record-editor"
      aria-label={label}
      noValidate
      onSubmit={(e) => e.preventDefault()}
    >
      <ProblemAlert problem={problem} />
      <fieldset>
        <legend>{t('dialogues.record.outcomes')}</legend>
        {outcomes.map((o, index) => (
          <div key={index} className="editor-row" data-testid="outcome-editor">
            <div className="field-row">
              <Field label={t('dialogues.record.paragraph')}>
                <input
                  type="number"
                  min={1}
                  value={o.paragraph}
                  onChange={(e) => setOutcome(index, { paragraph: e.target.value })}
                />
              </Field>
              <Field label={t('dialogues.record.kind')}>
                <select
                  value={o.kind}
                  onChange={(e) => setOutcome(index, { kind: e.target.value as OutcomeKind })}
                >
                  {OUTCOME_KINDS.map((kind) => (
                    <option key={kind} value={kind}>
                      {t(`dialogues.kinds.${kind}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <button
                type="button"
                className="row-remove"
                onClick={() => setOutcomes((all) => all.filter((_, i) => i !== index))}
              >
                {t('dialogues.record.removeOutcome', { paragraph: o.paragraph })}
              </button>
            </div>
            <div className="field-row">
              <Field label={t('dialogues.record.textEn', { paragraph: o.paragraph })}>
                <textarea
                  lang="en"
                  rows={3}
                  value={o.en}
                  onChange={(e) => setOutcome(index, { en: e.target.value })}
                />
              </Field>
              <Field label={t('dialogues.record.textZh', { paragraph: o.paragraph })}>
                <textarea
                  lang="zh-CN"
                  rows={3}
                  value={o.zh}
                  onChange={(e) => setOutcome(index, { zh: e.target.value })}
                />
              </Field>
            </div>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            setOutcomes((all) => [
              ...all,
              { paragraph: String(nextParagraph), kind: 'agreement', en: '', zh: '' },
            ])
          }
        >
          {t('dialogues.record.addOutcome')}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t('dialogues.record.commitments')}</legend>
        {commitments.map((c, index) => (
          <div key={c.id ?? `new-${index}`} className="editor-row" data-testid="commitment-editor">
            <div className="field-row">
              <Field label={t('dialogues.record.whatEn', { number: index + 1 })}>
                <input
                  lang="en"
                  value={c.en}
                  onChange={(e) => setCommitment(index, { en: e.target.value })}
                />
              </Field>
              <Field label={t('dialogues.record.whatZh', { number: index + 1 })}>
                <input
                  lang="zh-CN"
                  value={c.zh}
                  onChange={(e) => setCommitment(index, { zh: e.target.value })}
                />
              </Field>
            </div>
            <div className="field-row">
              <fieldset className="checkboxes">
                <legend>{t('dialogues.commitments.ownerSides')}</legend>
                {parties.map((side) => (
                  <div key={side} className="checkbox">
                    <input
                      type="checkbox"
                      id={`${id}-${index}-${side}`}
                      checked={c.ownerSides.includes(side)}
                      onChange={(e) =>
                        setCommitment(index, {
                          ownerSides: e.target.checked
                            ? parties.filter((p) => p === side || c.ownerSides.includes(p))
                            : c.ownerSides.filter((p) => p !== side),
                        })
                      }
                    />
                    <label htmlFor={`${id}-${index}-${side}`}>{side}</label>
                  </div>
                ))}
              </fieldset>
              <Field label={t('dialogues.commitments.owner')}>
                <input
                  value={c.owner}
                  onChange={(e) => setCommitment(index, { owner: e.target.value })}
                />
              </Field>
              <Field label={t('dialogues.commitments.due')}>
                <input
                  type="date"
                  value={c.dueDate}
                  onChange={(e) => setCommitment(index, { dueDate: e.target.value })}
                />
              </Field>
              <Field label={t('dialogues.record.fromParagraph')}>
                <select
                  value={c.paragraph}
                  onChange={(e) => setCommitment(index, { paragraph: e.target.value })}
                >
                  {outcomes.map((o) => (
                    <option key={o.paragraph} value={o.paragraph}>
                      {t('dialogues.record.paragraphN', { paragraph: o.paragraph })}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            <div className="field-row">
              <Field label={t('dialogues.measure.title')}>
                <select
                  value={c.measureKey}
                  onChange={(e) => setCommitment(index, { measureKey: e.target.value })}
                >
                  <option value="">{t('dialogues.measure.none')}</option>
                  {(measures.data?.measures ?? []).map((m) => (
                    <option key={m.key} value={m.key}>
                      {pick(m.title, i18n.language)}
                    </option>
                  ))}
                  {c.measureKey &&
                  !(measures.data?.measures ?? []).some((m) => m.key === c.measureKey) ? (
                    <option value={c.measureKey}>{c.measureKey}</option>
                  ) : null}
                </select>
              </Field>
              {c.measureKey ? (
                <>
                  <Field label={t('dialogues.measure.comparator')}>
                    <select
                      value={c.comparator}
                      onChange={(e) =>
                        setCommitment(index, { comparator: e.target.value as MeasureComparator })
                      }
                    >
                      {MEASURE_COMPARATORS.map((cmp) => (
                        <option key={cmp} value={cmp}>
                          {t(`dialogues.measure.comparators.${cmp}`)}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field label={t('dialogues.measure.threshold')}>
                    <input
                      type="number"
                      step="any"
                      value={c.threshold}
                      onChange={(e) => setCommitment(index, { threshold: e.target.value })}
                    />
                  </Field>
                </>
              ) : null}
              <button
                type="button"
                className="row-remove"
                onClick={() => setCommitments((all) => all.filter((_, i) => i !== index))}
              >
                {t('dialogues.record.removeCommitment', { number: index + 1 })}
              </button>
            </div>
          </div>
        ))}
        <button
          type="button"
          onClick={() =>
            setCommitments((all) => [
              ...all,
              {
                en: '',
                zh: '',
                ownerSides: [...parties],
                owner: '',
                dueDate: '',
                paragraph: outcomes[0]?.paragraph ?? '1',
                measureKey: '',
                comparator: 'gte',
                threshold: '',
                keep: { evidence: [], source: null },
              },
            ])
          }
        >
          {t('dialogues.record.addCommitment')}
        </button>
      </fieldset>
      <div className="form-actions">
        {actions.map((action) => (
          <button
            key={action.label}
            type="button"
            className={action.primary ? 'button-primary' : undefined}
            disabled={busy}
            onClick={() => action.run(contentOf(outcomes, commitments))}
          >
            {action.label}
          </button>
        ))}
      </div>
    </form>
  );
}
