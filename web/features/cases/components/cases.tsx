import type { TFunction } from 'i18next';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../../ui/field';
import {
  TLP_LEVELS,
  type CasePriority,
  type CaseStatus,
  type FeedbackView,
  type ObjectView,
  type TlpLevel,
} from '../../../app/types';
import { formatDateTime } from '../../../ui/format';
import { useUserTimeZone } from '../../../app/session';
import '../i18n';

/** The STIX 2.1 observables (SCOs) a case takes from the form; they have no versions. */
export const OBSERVABLE_TYPES = [
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'file',
  'email-addr',
] as const;

/** The STIX 2.1 types the web app knows by name, in the order the case page shows them. */
export const OBJECT_TYPES = [
  'indicator',
  ...OBSERVABLE_TYPES,
  'malware',
  'threat-actor',
  'intrusion-set',
  'attack-pattern',
  'report',
  'relationship',
  'sighting',
  'opinion',
  'note',
] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export const OPINIONS = [
  'strongly-disagree',
  'disagree',
  'neutral',
  'agree',
  'strongly-agree',
] as const;
export type Opinion = (typeof OPINIONS)[number];

export function isObjectType(type: string): type is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(type);
}

export function isOpinion(value: unknown): value is Opinion {
  return typeof value === 'string' && (OPINIONS as readonly string[]).includes(value);
}

/** Whether STIX gives the type versions (SDOs and SROs); observables have none. */
export function isVersioned(type: string): boolean {
  return !(OBSERVABLE_TYPES as readonly string[]).includes(type);
}

/** The type's name in the user's language; the STIX name when the web app does not know it. */
export function typeName(t: TFunction, type: string): string {
  return isObjectType(type) ? t(`cases.types.${type}`) : type;
}

/** Data of `case.changed` and `case.object` events. */
export function isCaseEvent(data: unknown): data is { caseId: string; objectId?: string } {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { caseId?: unknown }).caseId === 'string'
  );
}

export function text(object: Record<string, unknown>, key: string): string {
  const value = object[key];
  return typeof value === 'string' ? value : '';
}

export function refs(object: Record<string, unknown>, key: string): string[] {
  const value = object[key];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** An object's name for people: relationships and sightings by the objects they join. */
export function objectLabel(
  t: TFunction,
  view: ObjectView,
  byId: ReadonlyMap<string, ObjectView>,
): string {
  const object = view.object;
  const nameOf = (id: string) => {
    const other = byId.get(id);
    return other && other.id !== view.id ? plainLabel(other) : id;
  };
  if (view.type === 'relationship') {
    return t('cases.labels.relationship', {
      source: nameOf(text(object, 'source_ref')),
      type: text(object, 'relationship_type'),
      target: nameOf(text(object, 'target_ref')),
    });
  }
  if (view.type === 'sighting') {
    return t('cases.labels.sighting', { of: nameOf(text(object, 'sighting_of_ref')) });
  }
  if (view.type === 'opinion') {
    const opinion = object['opinion'];
    return isOpinion(opinion) ? t(`cases.opinions.${opinion}`) : view.label;
  }
  return plainLabel(view);
}

function plainLabel(view: ObjectView): string {
  const object = view.object;
  if (view.type === 'file') {
    const name = text(object, 'name');
    const hashes = object['hashes'];
    const sha =
      hashes && typeof hashes === 'object'
        ? (hashes as Record<string, unknown>)['SHA-256']
        : undefined;
    if (typeof sha === 'string') return name ? `${name} (${sha.slice(0, 12)}…)` : sha;
  }
  if (view.type === 'note') return text(object, 'abstract') || view.label;
  return view.label;
}

/** "Intrusion set: PA-2015", for choosing an object in a list. */
export function optionLabel(
  t: TFunction,
  view: ObjectView,
  byId: ReadonlyMap<string, ObjectView>,
): string {
  return `${typeName(t, view.type)}: ${objectLabel(t, view, byId)}`;
}

/** The label TLP 2.0 prescribes: TLP:CLEAR … TLP:AMBER+STRICT, TLP:RED (never translated). */
export function tlpLabel(level: TlpLevel): string {
  return level === 'amber_strict' ? 'TLP:AMBER+STRICT' : `TLP:${level.toUpperCase()}`;
}

/** The TLP label in its official colours (FIRST TLP 2.0: coloured text on black). */
export function TlpBadge({ level }: { level: TlpLevel }) {
  return <span className={`tlp tlp-${level}`}>{tlpLabel(level)}</span>;
}

/** The TLP select, with what the chosen level means. */
export function TlpField({
  id,
  value,
  onChange,
  label,
}: {
  id: string;
  value: TlpLevel;
  onChange: (level: TlpLevel) => void;
  label?: string;
}) {
  const { t } = useTranslation();
  return (
    <Field
      id={`${id}-tlp`}
      label={label ?? t('cases.tlp.label')}
      hint={t(`cases.tlp.hints.${value}`)}
    >
      <select value={value} onChange={(e) => onChange(e.target.value as TlpLevel)}>
        {TLP_LEVELS.map((level) => (
          <option key={level} value={level}>
            {tlpLabel(level)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** TLP:RED: the nodes the object may go to, chosen among the case's other nodes. */
export function RedRecipientsField({
  nodes,
  value,
  onChange,
}: {
  nodes: readonly string[];
  value: readonly string[];
  onChange: (nodes: string[]) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset className="checkboxes">
      <legend>{t('cases.tlp.redRecipients')}</legend>
      {nodes.length === 0 ? <p className="muted small">{t('cases.tlp.noRecipients')}</p> : null}
      {nodes.map((node) => (
        <label key={node} className="checkbox" htmlFor={`${id}-${node}`}>
          <input
            id={`${id}-${node}`}
            type="checkbox"
            checked={value.includes(node)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, node] : value.filter((n) => n !== node))
            }
          />
          {node}
        </label>
      ))}
      <p className="field-hint">{t('cases.tlp.redHint')}</p>
    </fieldset>
  );
}

export function CaseStatusBadge({ status }: { status: CaseStatus }) {
  const { t } = useTranslation();
  return <span className={`badge case-status-${status}`}>{t(`cases.statuses.${status}`)}</span>;
}

export function CasePriorityBadge({ priority }: { priority: CasePriority }) {
  const { t } = useTranslation();
  return (
    <span className={`badge case-priority-${priority}`}>{t(`cases.priorities.${priority}`)}</span>
  );
}

/** How the nodes that received an object used it. */
export function FeedbackList({ feedback }: { feedback: readonly FeedbackView[] }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  if (feedback.length === 0) return null;
  return (
    <ul className="plain feedback-list" aria-label={t('cases.feedback.listLabel')}>
      {feedback.map((entry) => (
        <li key={`${entry.node}-${entry.at}`} data-testid="feedback">
          <span className={`badge feedback-${entry.use}`}>
            {t(`cases.feedback.uses.${entry.use}`)}
          </span>
          {t('cases.feedback.fromBy', { node: entry.node, by: entry.by })}
          {entry.note ? <span className="feedback-note"> — {entry.note}</span> : null}
          <span className="muted small">
            {' · '}
            <time dateTime={entry.at}>{formatDateTime(entry.at, i18n.language, zone)}</time>
          </span>
        </li>
      ))}
    </ul>
  );
}
