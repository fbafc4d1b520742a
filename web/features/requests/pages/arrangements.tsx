import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link, useParams } from 'react-router';
import * as peersApi from '../../peers/api';
import * as api from '../api';
import {
  rolesAllow,
  type ArrangementState,
  type ArrangementTerms,
  type ArrangementView,
  type PeerView,
  type TypeTerms,
} from '../../../app/types';
import { AsyncList } from '../../../ui/async-table';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { GridTable } from '../../../ui/grid-table';
import { useSubmit } from '../../../ui/submit';
import { formatDateTime, formatList } from '../../../ui/format';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useSession, useUser, useUserTimeZone } from '../../../app/session';
import {
  REQUEST_FIELDS,
  REQUEST_TYPES,
  URGENCIES,
  type RequestField,
  type Urgency,
} from '../../../../src/core/requests';
import {
  DEFAULT_ACKNOWLEDGE_MINUTES,
  PRIORITIES,
  TIERS,
  type Priority,
  type Tier,
} from '../../../../src/core/hotline';
import '../../contacts/i18n';
import '../../hotline/i18n';
import '../i18n';

type Clock = { amount: number; unit: 'hours' | 'days' };

function clockText(t: TFunction, clock: Clock | undefined): string {
  if (!clock) return '—';
  return t(`arrangements.units.${clock.unit}`, { count: clock.amount });
}

function sameClock(a: Clock | undefined, b: Clock | undefined): boolean {
  return a?.amount === b?.amount && a?.unit === b?.unit;
}

/** The differences between two versions of the terms, one sentence each. */
export function diffTerms(t: TFunction, from: ArrangementTerms, to: ArrangementTerms): string[] {
  const out: string[] = [];
  if (from.title !== to.title)
    out.push(t('arrangements.diff.title', { from: from.title, to: to.title }));
  if (from.dueSoonPercent !== to.dueSoonPercent) {
    out.push(t('arrangements.diff.dueSoon', { from: from.dueSoonPercent, to: to.dueSoonPercent }));
  }
  if (from.languages.join(',') !== to.languages.join(',')) {
    out.push(
      t('arrangements.diff.languages', {
        from: from.languages.join(', '),
        to: to.languages.join(', '),
      }),
    );
  }
  for (const type of REQUEST_TYPES) {
    const a = from.requestTypes[type];
    const b = to.requestTypes[type];
    const name = t(`requests.types.${type}`);
    if (!a && !b) continue;
    if ((a?.allowed ?? false) !== (b?.allowed ?? false)) {
      out.push(
        t(b?.allowed ? 'arrangements.diff.allowed' : 'arrangements.diff.disallowed', {
          type: name,
        }),
      );
    }
    const fa = a?.requiredFields ?? [];
    const fb = b?.requiredFields ?? [];
    for (const field of fb.filter((f) => !fa.includes(f))) {
      out.push(
        t('arrangements.diff.fieldAdded', { type: name, field: t(`requests.fields.${field}`) }),
      );
    }
    for (const field of fa.filter((f) => !fb.includes(f))) {
      out.push(
        t('arrangements.diff.fieldRemoved', { type: name, field: t(`requests.fields.${field}`) }),
      );
    }
    for (const urgency of URGENCIES) {
      const da = a?.deadlines[urgency];
      const db = b?.deadlines[urgency];
      for (const which of ['acknowledge', 'respond'] as const) {
        if (!sameClock(da?.[which], db?.[which])) {
          out.push(
            t('arrangements.diff.deadline', {
              type: name,
              urgency: t(`requests.urgencies.${urgency}`),
              deadline: t(`requests.deadline.${which}`),
              from: clockText(t, da?.[which]),
              to: clockText(t, db?.[which]),
            }),
          );
        }
      }
    }
    if (a && b && a.whenOverdue !== b.whenOverdue) {
      out.push(
        t('arrangements.diff.whenOverdue', {
          type: name,
          from: t(`arrangements.overdue.${a.whenOverdue}`),
          to: t(`arrangements.overdue.${b.whenOverdue}`),
        }),
      );
    }
  }
  for (const tier of TIERS) {
    for (const priority of PRIORITIES) {
      const a = hotlineMinutes(from, tier, priority);
      const b = hotlineMinutes(to, tier, priority);
      if (a === b) continue;
      out.push(
        t('arrangements.diff.hotline', {
          tier: t(`hotline.tiers.${tier}`),
          priority: t(`hotline.priorities.${priority}`),
          from: a,
          to: b,
        }),
      );
    }
  }
  return out;
}

/** Minutes each rung has to acknowledge a call; the built-in defaults when the terms are silent. */
function hotlineMinutes(terms: ArrangementTerms, tier: Tier, priority: Priority): number {
  return (
    terms.hotline?.acknowledgeMinutes[tier][priority] ?? DEFAULT_ACKNOWLEDGE_MINUTES[tier][priority]
  );
}

function HotlineTermsTable({ terms }: { terms: ArrangementTerms }) {
  const { t } = useTranslation();
  return (
    <GridTable
      caption={t('arrangements.hotline.caption')}
      corner={t('arrangements.hotline.tier')}
      rows={TIERS}
      columns={PRIORITIES}
      rowLabel={(tier) => t(`hotline.tiers.${tier}`)}
      columnLabel={(priority) => t(`hotline.priorities.${priority}`)}
      cell={(tier, priority) =>
        t('arrangements.hotline.minutes', { count: hotlineMinutes(terms, tier, priority) })
      }
    />
  );
}

/** The information a type of request must contain: a list, one field an item. */
function RequiredFields({ fields }: { fields: readonly RequestField[] }) {
  const { t, i18n } = useTranslation();
  if (fields.length === 0) return <>—</>;
  const names = fields.map((field) => t(`requests.fields.${field}`));
  return (
    <ul
      className="term-list"
      aria-label={t('arrangements.requiredOf', { fields: formatList(names, i18n.language) })}
    >
      {names.map((name) => (
        <li key={name}>{name}</li>
      ))}
    </ul>
  );
}

/** "In force: version 3", or for version 0 the default terms every node starts with. */
function inForceTitle(t: TFunction, version: number): string {
  return version === 0 ? t('arrangements.inForceDefault') : t('arrangements.inForce', { version });
}

function TermsTable({ terms }: { terms: ArrangementTerms }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t('arrangements.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('arrangements.columns.type')}</th>
            <th scope="col">{t('arrangements.columns.allowed')}</th>
            <th scope="col">{t('arrangements.columns.required')}</th>
            <th scope="col">{t('arrangements.columns.deadlines')}</th>
            <th scope="col">{t('arrangements.columns.whenOverdue')}</th>
          </tr>
        </thead>
        <tbody>
          {REQUEST_TYPES.map((type) => {
            const terms_ = terms.requestTypes[type];
            return (
              <tr key={type}>
                <th scope="row">{t(`requests.types.${type}`)}</th>
                <td>{terms_?.allowed ? t('common.yes') : t('common.no')}</td>
                <td>
                  <RequiredFields fields={terms_?.requiredFields ?? []} />
                </td>
                <td>
                  {URGENCIES.filter((u) => terms_?.deadlines[u]).map((u) => {
                    const d = terms_?.deadlines[u];
                    return (
                      <div key={u}>
                        {t('arrangements.deadlineLine', {
                          urgency: t(`requests.urgencies.${u}`),
                          acknowledge: clockText(t, d?.acknowledge),
                          respond: clockText(t, d?.respond),
                        })}
                      </div>
                    );
                  })}
                  {terms_?.preservation ? (
                    <div className="muted small">
                      {t('arrangements.preservationLine', {
                        period: clockText(t, terms_.preservation.period),
                        extension: clockText(t, terms_.preservation.extension),
                      })}
                    </div>
                  ) : null}
                </td>
                <td>{terms_ ? t(`arrangements.overdue.${terms_.whenOverdue}`) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ClockInput({
  label,
  clock,
  onChange,
}: {
  label: string;
  clock: Clock;
  onChange: (clock: Clock) => void;
}) {
  const { t } = useTranslation();
  return (
    <span className="inline-field">
      <input
        type="number"
        min={1}
        max={3650}
        aria-label={label}
        value={clock.amount}
        style={{ width: '5em' }}
        onChange={(e) => onChange({ ...clock, amount: Math.max(1, Number(e.target.value) || 1) })}
      />
      <select
        aria-label={t('arrangements.propose.unitOf', { label })}
        value={clock.unit}
        onChange={(e) => onChange({ ...clock, unit: e.target.value as Clock['unit'] })}
      >
        <option value="hours">{t('arrangements.propose.hours')}</option>
        <option value="days">{t('arrangements.propose.days')}</option>
      </select>
    </span>
  );
}

const DEFAULT_CLOCKS = {
  acknowledge: { amount: 1, unit: 'days' },
  respond: { amount: 7, unit: 'days' },
} as const;

function ProposeForm({
  peer,
  base,
  onDone,
}: {
  peer: string;
  base: ArrangementTerms;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [terms, setTerms] = useState<ArrangementTerms>(() => structuredClone(base));
  const propose = useSubmit(api.proposeArrangement, onDone);
  const id = useId();

  const setType = (type: (typeof REQUEST_TYPES)[number], patch: Partial<TypeTerms>) =>
    setTerms((current) => {
      const existing: TypeTerms = current.requestTypes[type] ?? {
        allowed: false,
        requiredFields: [],
        deadlines: {},
        whenOverdue: 'notify',
      };
      return {
        ...current,
        requestTypes: { ...current.requestTypes, [type]: { ...existing, ...patch } },
      };
    });

  const setHotline = (tier: Tier, priority: Priority, minutes: number) =>
    setTerms((current) => {
      const table = structuredClone(
        current.hotline?.acknowledgeMinutes ?? DEFAULT_ACKNOWLEDGE_MINUTES,
      );
      table[tier][priority] = Number.isInteger(minutes) && minutes >= 1 ? minutes : 1;
      return { ...current, hotline: { acknowledgeMinutes: table } };
    });

  const changes = diffTerms(t, base, terms);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void propose.submit(peer, terms);
  };
  const labels = {
    title: t('arrangements.propose.titleField'),
    dueSoonPercent: t('arrangements.propose.dueSoon'),
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <ProblemAlert problem={propose.problem} fields={labels} />
      <div className="field-row">
        <Field label={labels.title}>
          <input
            value={terms.title}
            onChange={(e) => setTerms({ ...terms, title: e.target.value })}
          />
        </Field>
        <Field label={labels.dueSoonPercent}>
          <input
            type="number"
            min={1}
            max={99}
            value={terms.dueSoonPercent}
            onChange={(e) => setTerms({ ...terms, dueSoonPercent: Number(e.target.value) || 75 })}
          />
        </Field>
      </div>
      <details>
        <summary>{t('arrangements.hotline.caption')}</summary>
        {TIERS.map((tier) => (
          <div key={tier} className="field-row">
            {PRIORITIES.map((priority) => (
              <Field
                key={priority}
                id={`${id}-hotline-${tier}-${priority}`}
                label={`${t(`hotline.tiers.${tier}`)} · ${t(`hotline.priorities.${priority}`)}`}
              >
                <input
                  type="number"
                  min={1}
                  max={10080}
                  value={hotlineMinutes(terms, tier, priority)}
                  onChange={(e) => setHotline(tier, priority, Number(e.target.value))}
                />
              </Field>
            ))}
          </div>
        ))}
      </details>
      {REQUEST_TYPES.map((type) => {
        const current = terms.requestTypes[type];
        const name = t(`requests.types.${type}`);
        return (
          <details key={type}>
            <summary>{name}</summary>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={current?.allowed ?? false}
                onChange={(e) => setType(type, { allowed: e.target.checked })}
              />{' '}
              {t('arrangements.propose.allowedOf', { type: name })}
            </label>
            <fieldset className="field checkboxes">
              <legend>{t('arrangements.columns.required')}</legend>
              {REQUEST_FIELDS.map((field) => (
                <label key={field} className="checkbox">
                  <input
                    type="checkbox"
                    checked={current?.requiredFields.includes(field) ?? false}
                    onChange={(e) =>
                      setType(type, {
                        requiredFields: e.target.checked
                          ? REQUEST_FIELDS.filter(
                              (f) => f === field || current?.requiredFields.includes(f),
                            )
                          : (current?.requiredFields ?? []).filter((f) => f !== field),
                      })
                    }
                  />{' '}
                  {t(`requests.fields.${field}`)}
                </label>
              ))}
            </fieldset>
            <fieldset className="field">
              <legend>{t('arrangements.columns.deadlines')}</legend>
              {URGENCIES.map((urgency: Urgency) => {
                const d = current?.deadlines[urgency];
                const urgencyName = t(`requests.urgencies.${urgency}`);
                return (
                  <div key={urgency}>
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        checked={d !== undefined}
                        onChange={(e) => {
                          const deadlines = { ...current?.deadlines };
                          if (e.target.checked) deadlines[urgency] = { ...DEFAULT_CLOCKS };
                          else delete deadlines[urgency];
                          setType(type, { deadlines });
                        }}
                      />{' '}
                      {t('arrangements.propose.urgencyOf', { type: name, urgency: urgencyName })}
                    </label>
                    {d ? (
                      <p>
                        {(['acknowledge', 'respond'] as const).map((which) => (
                          <span key={which}>
                            {t(`requests.deadline.${which}`)}{' '}
                            <ClockInput
                              label={t('arrangements.propose.clockOf', {
                                type: name,
                                urgency: urgencyName,
                                deadline: t(`requests.deadline.${which}`),
                              })}
                              clock={d[which]}
                              onChange={(clock) =>
                                setType(type, {
                                  deadlines: {
                                    ...current?.deadlines,
                                    [urgency]: { ...d, [which]: clock },
                                  },
                                })
                              }
                            />{' '}
                          </span>
                        ))}
                      </p>
                    ) : null}
                  </div>
                );
              })}
            </fieldset>
          </details>
        );
      })}
      <section aria-label={t('arrangements.diff.heading')}>
        <h3>{t('arrangements.diff.heading')}</h3>
        {changes.length === 0 ? (
          <p className="muted">{t('arrangements.diff.none')}</p>
        ) : (
          <ul>
            {changes.map((change) => (
              <li key={change}>{change}</li>
            ))}
          </ul>
        )}
      </section>
      <div className="form-actions">
        <button
          type="submit"
          className="button-primary"
          disabled={propose.busy || changes.length === 0}
        >
          {t('arrangements.propose.submit')}
        </button>
        <button type="button" onClick={onDone}>
          {t('contacts.form.cancel')}
        </button>
      </div>
    </form>
  );
}

function VersionItem({
  version,
  inForce,
  ownNode,
  canManage,
  onChanged,
}: {
  version: ArrangementView;
  inForce: ArrangementView;
  ownNode: string | undefined;
  canManage: boolean;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const answer = useSubmit(api.answerArrangement, onChanged);
  const fromPeer = version.proposedBy !== null && version.proposedBy !== ownNode;
  const busy = answer.busy;
  const when = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language, zone) : '—');
  const changes = version.status === 'proposed' ? diffTerms(t, inForce.terms, version.terms) : [];
  return (
    <li>
      <article
        className="card"
        aria-label={t('arrangements.version', { version: version.version })}
      >
        <header className="note-head">
          <h3>{t('arrangements.version', { version: version.version })}</h3>
          <span className="badge">{t(`arrangements.statuses.${version.status}`)}</span>
        </header>
        <p className="small muted">
          {t('arrangements.proposedBy', {
            node: version.proposedBy ?? '—',
            at: when(version.proposedAt),
          })}
          {version.acceptedAt
            ? ` · ${t('arrangements.acceptedAt', { at: when(version.acceptedAt) })}`
            : ''}
        </p>
        <ProblemAlert problem={answer.problem} />
        {version.status === 'proposed' ? (
          <>
            <h4>
              {inForce.version === 0
                ? t('arrangements.diff.againstDefault')
                : t('arrangements.diff.againstInForce', { version: inForce.version })}
            </h4>
            {changes.length === 0 ? (
              <p className="muted">{t('arrangements.diff.none')}</p>
            ) : (
              <ul>
                {changes.map((change) => (
                  <li key={change}>{change}</li>
                ))}
              </ul>
            )}
            {fromPeer && canManage ? (
              <div className="form-actions">
                <button
                  type="button"
                  className="button-primary"
                  disabled={busy}
                  onClick={() => void answer.submit(version.peer, version.version, 'accept')}
                >
                  {t('arrangements.accept')}
                </button>
                <button
                  type="button"
                  className="button-danger"
                  disabled={busy}
                  onClick={() => void answer.submit(version.peer, version.version, 'decline')}
                >
                  {t('arrangements.decline')}
                </button>
              </div>
            ) : fromPeer ? null : (
              <p className="muted small">{t('arrangements.waitingForPeer')}</p>
            )}
          </>
        ) : null}
      </article>
    </li>
  );
}

export function ArrangementPage() {
  const { t } = useTranslation();
  const { peer = '' } = useParams();
  const user = useUser();
  const { node } = useSession();
  const canManage = rolesAllow(user.roles, 'arrangements.manage');
  usePageTitle(t('arrangements.titleWith', { peer }));
  const [proposing, setProposing] = useState(false);
  const {
    data: state,
    error,
    reload: load,
  } = useLoader<ArrangementState>(useCallback(() => api.getArrangement(peer), [peer]));
  useLiveEvent('resync', () => void load());
  useLiveEvent('arrangement.changed', (data) => {
    if ((data as { peer?: unknown } | null)?.peer === peer) void load();
  });

  return (
    <section className="page">
      <p className="small">
        <Link to="/arrangements">{t('arrangements.back')}</Link>
      </p>
      <h1>{t('arrangements.titleWith', { peer })}</h1>
      {error ? <ErrorAlert error={error} /> : null}
      {state === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <section aria-labelledby="arrangement-in-force">
            <h2 id="arrangement-in-force">{inForceTitle(t, state.inForce.version)}</h2>
            {state.inForce.version === 0 ? (
              <p className="notice">{t('arrangements.defaultInForce')}</p>
            ) : null}
            <dl className="facts">
              <div>
                <dt>{t('arrangements.propose.titleField')}</dt>
                <dd>{state.inForce.terms.title}</dd>
              </div>
              <div>
                <dt>{t('arrangements.languages')}</dt>
                <dd>{state.inForce.terms.languages.join(', ')}</dd>
              </div>
              <div>
                <dt>{t('arrangements.propose.dueSoon')}</dt>
                <dd>{state.inForce.terms.dueSoonPercent} %</dd>
              </div>
            </dl>
            <TermsTable terms={state.inForce.terms} />
            <HotlineTermsTable terms={state.inForce.terms} />
          </section>

          {canManage ? (
            <section aria-labelledby="arrangement-propose" className="card">
              <h2 id="arrangement-propose">{t('arrangements.propose.title')}</h2>
              {proposing ? (
                <ProposeForm
                  peer={peer}
                  base={state.inForce.terms}
                  onDone={() => {
                    setProposing(false);
                    void load();
                  }}
                />
              ) : (
                <>
                  <p className="muted">{t('arrangements.propose.intro')}</p>
                  <button type="button" onClick={() => setProposing(true)}>
                    {t('arrangements.propose.start')}
                  </button>
                </>
              )}
            </section>
          ) : null}

          <section aria-labelledby="arrangement-versions">
            <h2 id="arrangement-versions">{t('arrangements.versions')}</h2>
            {state.versions.length === 0 ? (
              <p className="muted">{t('arrangements.noVersions')}</p>
            ) : (
              <ul className="cards">
                {state.versions.map((version) => (
                  <VersionItem
                    key={version.version}
                    version={version}
                    inForce={state.inForce}
                    ownNode={node.node?.nodeId}
                    canManage={canManage}
                    onChanged={() => void load()}
                  />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </section>
  );
}

export function ArrangementsPage() {
  const { t } = useTranslation();
  usePageTitle(t('arrangements.title'));
  const {
    data: peers,
    error,
    reload: load,
  } = useLoader<PeerView[]>(useCallback(() => peersApi.listPeers(), []));
  useLiveEvent(['federation.peers', 'resync'], () => void load());
  return (
    <section className="page">
      <h1>{t('arrangements.title')}</h1>
      <p className="lead">{t('arrangements.intro')}</p>
      <AsyncList rows={peers} error={error} empty={<p>{t('arrangements.noPeers')}</p>}>
        {(list) => (
          <ul>
            {list.map((peer) => (
              <li key={peer.nodeId}>
                <Link to={`/arrangements/${peer.nodeId}`}>
                  {t('arrangements.withPeer', { peer: `${peer.name} (${peer.nodeId})` })}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </AsyncList>
    </section>
  );
}
