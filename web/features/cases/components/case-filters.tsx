import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CASE_PRIORITIES,
  CASE_STATUSES,
  OBJECT_SORTS,
  TLP_LEVELS,
  type CasePriority,
  type CaseStatus,
  type ObjectSort,
  type ObjectsQuery,
  type TlpLevel,
} from '../../../app/types';
import { ChoiceField, FilterField } from '../../../ui/choice-field';
import { OBJECT_TYPES, tlpLabel, typeName, type ObjectType } from './cases';
import '../i18n';

/** The filters and order of the objects' list (what GET /api/cases/:id/objects takes). */
export interface ObjectFilters {
  type: string;
  tlp: TlpLevel | '';
  q: string;
  shared: '' | 'yes' | 'no';
  sort: ObjectSort;
}

export const NO_FILTERS: ObjectFilters = { type: '', tlp: '', q: '', shared: '', sort: 'recent' };

export function isFiltered(filters: ObjectFilters): boolean {
  return (
    filters.type !== '' || filters.tlp !== '' || filters.q.trim() !== '' || filters.shared !== ''
  );
}

/** The filters as the API's query. */
export function queryOf(filters: ObjectFilters): ObjectsQuery {
  return {
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.tlp ? { tlp: filters.tlp } : {}),
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
    ...(filters.shared ? { shared: filters.shared } : {}),
    sort: filters.sort,
  };
}

const SHARED = ['yes', 'no'] as const;

/** An object type to filter by, "All types" first. */
export function ObjectTypeField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (type: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <FilterField
      id={id}
      label={t('cases.objects.filters.type')}
      any={t('cases.objects.filters.allTypes')}
      value={value as ObjectType | ''}
      options={OBJECT_TYPES}
      labelOf={(type) => typeName(t, type)}
      onChange={onChange}
    />
  );
}

/** The objects' filters: type, marking, words, shared or not, and the order; the words apply on Enter. */
export function ObjectFiltersForm({
  filters,
  onFilters,
}: {
  filters: ObjectFilters;
  onFilters: (filters: ObjectFilters) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [words, setWords] = useState(filters.q);
  useEffect(() => setWords(filters.q), [filters.q]);
  const set = (change: Partial<ObjectFilters>) => onFilters({ ...filters, q: words, ...change });
  return (
    <form
      className="form object-filters"
      role="search"
      aria-label={t('cases.objects.filters.label')}
      noValidate
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        set({});
      }}
    >
      <div className="field-row">
        <ObjectTypeField
          id={`${id}-type`}
          value={filters.type}
          onChange={(type) => set({ type })}
        />
        <FilterField
          id={`${id}-tlp`}
          label={t('cases.objects.filters.tlp')}
          any={t('cases.objects.filters.allMarkings')}
          value={filters.tlp}
          options={TLP_LEVELS}
          labelOf={tlpLabel}
          onChange={(tlp) => set({ tlp })}
        />
        <FilterField
          id={`${id}-shared`}
          label={t('cases.objects.filters.shared')}
          any={t('cases.objects.filters.sharedAny')}
          value={filters.shared}
          options={SHARED}
          labelOf={(shared) =>
            t(
              shared === 'yes'
                ? 'cases.objects.filters.sharedYes'
                : 'cases.objects.filters.sharedNo',
            )
          }
          onChange={(shared) => set({ shared })}
        />
        <ChoiceField
          id={`${id}-sort`}
          label={t('cases.objects.filters.sort')}
          value={filters.sort}
          options={OBJECT_SORTS}
          labelOf={(sort) => t(`cases.objects.sorts.${sort}`)}
          onChange={(sort) => set({ sort })}
        />
      </div>
      <div className="inline-form">
        <label htmlFor={`${id}-q`}>{t('cases.objects.filters.words')}</label>
        <input
          id={`${id}-q`}
          type="search"
          value={words}
          maxLength={200}
          aria-describedby={`${id}-q-hint`}
          onChange={(e) => setWords(e.target.value)}
        />
        <button type="submit">{t('cases.objects.filters.apply')}</button>
        {isFiltered(filters) || words !== '' ? (
          <button
            type="button"
            className="button-quiet"
            onClick={() => {
              setWords('');
              onFilters({ ...NO_FILTERS, sort: filters.sort });
            }}
          >
            {t('cases.objects.filters.clear')}
          </button>
        ) : null}
      </div>
      <p className="field-hint" id={`${id}-q-hint`}>
        {t('cases.objects.filters.wordsHint')}
      </p>
    </form>
  );
}

/** The cases list's filters: a status ("All statuses" first) and priority cases only. */
export function CaseListFilters({
  status,
  onStatus,
  priorityOnly,
  onPriorityOnly,
}: {
  status: CaseStatus | '';
  onStatus: (status: CaseStatus | '') => void;
  priorityOnly: boolean;
  onPriorityOnly: (on: boolean) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field-row">
      <FilterField
        id={`${id}-status`}
        label={t('cases.filters.status')}
        any={t('cases.filters.allStatuses')}
        value={status}
        options={CASE_STATUSES}
        labelOf={(s) => t(`cases.statuses.${s}`)}
        onChange={onStatus}
      />
      <Check
        id={`${id}-priority`}
        label={t('cases.filters.priorityOnly')}
        checked={priorityOnly}
        onChange={onPriorityOnly}
      />
    </div>
  );
}

/**
 * A case's priority and whether it is on the list of priority cases (opening a case and
 * editing it); `hint` says what a priority case is, under the row.
 */
export function PriorityFields({
  id,
  priority,
  onPriority,
  priorityCase,
  onPriorityCase,
  checkLabel,
  hintId,
}: {
  id: string;
  priority: CasePriority;
  onPriority: (priority: CasePriority) => void;
  priorityCase: boolean;
  onPriorityCase: (on: boolean) => void;
  checkLabel: string;
  /** The id of a hint that describes the check. */
  hintId?: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <ChoiceField
        id={`${id}-priority`}
        label={t('cases.case.priority')}
        value={priority}
        options={CASE_PRIORITIES}
        labelOf={(p) => t(`cases.priorities.${p}`)}
        onChange={onPriority}
      />
      <Check
        id={`${id}-priority-case`}
        label={checkLabel}
        checked={priorityCase}
        onChange={onPriorityCase}
        {...(hintId ? { hintId } : {})}
      />
    </>
  );
}

/** A checkbox in a row of fields, its label beside it. */
function Check({
  id,
  label,
  checked,
  onChange,
  hintId,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  hintId?: string;
}) {
  return (
    <label className="checkbox inline-check" htmlFor={id}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        aria-describedby={hintId}
        onChange={(e) => onChange(e.target.checked)}
      />
      {label}
    </label>
  );
}
