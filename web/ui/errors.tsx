import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError, NETWORK_ERROR } from '../app/client';
import type en from './i18n/en.json';
import { errorKeys, useKitStrings } from './i18n';
import './ui.css';

/**
 * What a form or a page has to tell the user went wrong: a failed call (`error`, usually an
 * ApiError), or a sentence of its own (`message`, say a required field left empty), with the
 * field it is about when there is one. The one type every page uses (useSubmit sets it).
 */
export interface Problem {
  error?: unknown;
  message?: string;
  /** The form's field this is about, e.g. 'text' (a Field then shows it as invalid). */
  field?: string;
}

/** A form's field names (as the API names them: 'until', 'body.until') → the form's labels. */
export type FieldLabels = Readonly<Record<string, string>>;

/**
 * A translator over the kit's own keys (errors.*, web/ui/i18n): they are registered by the
 * kit at run time, outside the app's compile-time list of keys (web/app/i18n/i18next.d.ts).
 */
type Translate = (key: string, options?: Record<string, unknown>) => string;
const kit = (t: TFunction): Translate => t as unknown as Translate;

type Strings = typeof en.errors;
const EXPECTED: readonly (keyof Strings['expected'])[] = [
  'string',
  'number',
  'int',
  'boolean',
  'array',
  'object',
];
const FORMATS: readonly (keyof Strings['formats'])[] = [
  'email',
  'url',
  'datetime',
  'date',
  'time',
  'uuid',
];
const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  (list as readonly unknown[]).includes(value);

/** Generic keys of errors.* that are not error codes. */
const GENERIC = new Set(['network', 'unknown', 'refused', 'server', 'detail', 'reference']);

/** Codes whose server message adds something the translation cannot say (a URL, a reason). */
const WITH_DETAIL = new Set([
  'peer_unreachable',
  'invalid_descriptor',
  'fingerprint_mismatch',
  'protocol_mismatch',
  'request_incomplete',
  'unknown_reference',
  'immutable_property',
  'import_running',
  'import_too_large',
  'import_source_missing',
  'import_source_failed',
  'invalid_misp',
  'invalid_filter',
  'taxii_poll_failed',
  'type_not_allowed',
  'urgency_not_allowed',
  'bad_request',
]);

/** Whether the web has a translated message for this server error code. */
export function hasTranslation(code: string): boolean {
  return errorKeys().has(code) && !GENERIC.has(code);
}

/** One problem of a 400 invalid_request, as the server sends it (docs/api.md). */
export interface Issue {
  field: string;
  code: string;
  params?: {
    minimum?: number | string;
    maximum?: number | string;
    format?: string;
    expected?: string;
    values?: string[];
    origin?: string;
  };
  message?: string;
}

function isIssue(value: unknown): value is Issue {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record['field'] === 'string' && typeof record['code'] === 'string';
}

/** The issues of an invalid_request error, if it carries any. */
export function issuesOf(error: ApiError): Issue[] {
  const issues = error.details['issues'];
  return Array.isArray(issues) ? issues.filter(isIssue) : [];
}

/**
 * The form's own label for a field the server names ('body.until'); else the last part of
 * the name as it is ('until'), since a name is better than nothing.
 */
export function fieldLabel(field: string, labels: FieldLabels = {}): string {
  const parts = field.split('.');
  const withoutPlace = /^(body|query|params|querystring|headers)$/.test(parts[0] ?? '')
    ? parts.slice(1)
    : parts;
  for (let start = 0; start < withoutPlace.length; start++) {
    const key = withoutPlace.slice(start).join('.');
    const label = labels[key];
    if (label) return label;
  }
  return labels[field] ?? withoutPlace.at(-1) ?? field;
}

/** What is wrong with one field, in the user's language: "must be at least 1". */
export function describeIssue(translate: TFunction, issue: Issue): string {
  const t = kit(translate);
  const params = issue.params ?? {};
  const origin = params.origin;
  const kind = origin === 'string' || origin === 'number' || origin === 'array' ? origin : null;
  switch (issue.code) {
    case 'too_small':
      if (kind === 'string' && Number(params.minimum) === 1) return t('errors.issue.empty');
      if (kind && params.minimum !== undefined)
        return t(`errors.issue.too_small_${kind}`, { minimum: params.minimum });
      if (params.minimum !== undefined)
        return t('errors.issue.too_small_number', { minimum: params.minimum });
      return t('errors.issue.too_small');
    case 'too_big':
      if (kind && params.maximum !== undefined)
        return t(`errors.issue.too_big_${kind}`, { maximum: params.maximum });
      if (params.maximum !== undefined)
        return t('errors.issue.too_big_number', { maximum: params.maximum });
      return t('errors.issue.too_big');
    case 'invalid_type':
      return isOneOf(EXPECTED, params.expected)
        ? t('errors.issue.invalid_type_expected', {
            expected: t(`errors.expected.${params.expected}`),
          })
        : t('errors.issue.invalid_type');
    case 'invalid_format':
    case 'invalid_string':
      return isOneOf(FORMATS, params.format)
        ? t('errors.issue.invalid_format_known', { format: t(`errors.formats.${params.format}`) })
        : t('errors.issue.invalid_format');
    case 'invalid_value':
    case 'invalid_enum_value':
      return params.values && params.values.length > 0
        ? t('errors.issue.invalid_value_list', { values: params.values.join(', ') })
        : t('errors.issue.invalid_value');
    case 'unrecognized_keys':
    case 'not_multiple_of':
    case 'custom':
      return t(`errors.issue.${issue.code}`);
    default:
      return t('errors.issue.other');
  }
}

/** An error as the user reads it: the main sentence and, under it, its details. */
export interface Explained {
  text: string;
  details: string[];
}

/**
 * The translated message of an error: the stable code's own sentence; for invalid_request
 * each field's problem named with the form's labels; for invalid_stix the list of problems;
 * for an unknown 4xx "the node refused" with the server's words as a detail (never framed as
 * a crash); "something went wrong" only for a failure of the page itself.
 */
export function explainError(
  translate: TFunction,
  error: unknown,
  labels: FieldLabels = {},
): Explained {
  const t = kit(translate);
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { text: t('errors.unknown', { message }), details: [] };
  }
  if (error.code === NETWORK_ERROR) return { text: t('errors.network'), details: [] };
  const serverSaid = error.message ? [t('errors.detail', { message: error.message })] : [];
  if (error.code === 'invalid_request') {
    const issues = issuesOf(error);
    if (issues.length === 0) return { text: t('errors.invalid_request'), details: serverSaid };
    return {
      text: t('errors.invalid_request'),
      details: issues.map((issue) =>
        t('errors.fieldIssue', {
          field: fieldLabel(issue.field, labels),
          issue: describeIssue(translate, issue),
        }),
      ),
    };
  }
  if (error.code === 'invalid_stix') {
    const errors = error.details['errors'];
    const list = Array.isArray(errors) ? errors.map(String) : [];
    return { text: t('errors.invalid_stix'), details: list.length > 0 ? list : serverSaid };
  }
  if (error.code === 'invalid_dates' && labels['from'] && labels['until']) {
    return {
      text: t('errors.invalid_dates_fields', { from: labels['from'], until: labels['until'] }),
      details: [],
    };
  }
  if (error.code === 'request_incomplete') {
    const missing = error.details['missing'];
    if (Array.isArray(missing) && missing.length > 0) {
      return {
        text: t('errors.request_incomplete'),
        details: missing.map((field) => fieldLabel(String(field), labels)),
      };
    }
  }
  if (hasTranslation(error.code)) {
    return {
      text: t(`errors.${error.code}`),
      details: WITH_DETAIL.has(error.code) ? serverSaid : [],
    };
  }
  if (error.status === 401) return { text: t('errors.not_authenticated'), details: [] };
  if (error.status === 403) return { text: t('errors.forbidden'), details: serverSaid };
  if (error.status >= 400 && error.status < 500)
    return { text: t('errors.refused'), details: serverSaid };
  return { text: t('errors.server'), details: [] };
}

/** A sentence for the user, in their language, saying what went wrong (details left out). */
export function describeError(t: TFunction, error: unknown, labels?: FieldLabels): string {
  return explainError(t, error, labels).text;
}

/**
 * A visible, announced error message (role="alert"): the translated sentence, its details
 * as a list, and the node's request id if any. `fields` names the form's fields with its own
 * labels; `message` is a sentence of the page's own (a Problem without an error).
 */
export function ErrorAlert({
  error,
  message,
  fields,
}: {
  error?: unknown;
  message?: string | undefined;
  field?: string | undefined;
  fields?: FieldLabels;
}) {
  const { t } = useTranslation();
  // The kit's strings arrive in a chunk of their own (i18n/index.ts): a moment at most.
  const loaded = useKitStrings();
  if (!loaded) return null;
  const explained =
    message !== undefined ? { text: message, details: [] } : explainError(t, error, fields);
  const tr = kit(t);
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div role="alert" className="alert alert-error">
      <p>{explained.text}</p>
      {explained.details.length > 0 ? (
        <ul className="alert-details">
          {explained.details.map((detail, index) => (
            <li key={index}>{detail}</li>
          ))}
        </ul>
      ) : null}
      <ErrorReference requestId={requestId} translate={tr} />
    </div>
  );
}

function ErrorReference({
  requestId,
  translate,
}: {
  requestId: string | undefined;
  translate: Translate;
}) {
  return requestId ? (
    <p className="alert-reference">{translate('errors.reference', { requestId })}</p>
  ) : null;
}

/** "Reference: <request id>" of a failed call, to quote to the node's administrator. */
export function RequestReference({ error }: { error: unknown }) {
  const { t } = useTranslation();
  useKitStrings();
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return <ErrorReference requestId={requestId} translate={kit(t)} />;
}

/** The alert of a Problem, or nothing. */
export function ProblemAlert({
  problem,
  fields,
}: {
  problem: Problem | null | undefined;
  fields?: FieldLabels;
}) {
  if (!problem) return null;
  return (
    <ErrorAlert error={problem.error} message={problem.message} {...(fields ? { fields } : {})} />
  );
}

/**
 * The fields a problem is about, by their last name ('body.username' → 'username'): the
 * problem's own field, or each field the node's invalid_request names. For Field's `invalid`.
 */
export function problemFields(problem: Problem | null | undefined): ReadonlySet<string> {
  const fields = new Set<string>();
  if (!problem) return fields;
  if (problem.field) fields.add(problem.field);
  if (problem.error instanceof ApiError) {
    for (const issue of issuesOf(problem.error)) {
      const last = issue.field.split('.').at(-1);
      if (last) fields.add(last);
    }
  }
  return fields;
}
