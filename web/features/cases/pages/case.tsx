import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type JSX,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import * as api from '../api';
import * as hotlineApi from '../../hotline/api';
import * as peersApi from '../../peers/api';
import * as requestsApi from '../../requests/api';
import {
  CASE_STATUSES,
  nodesOfCase,
  rolesAllow,
  type CallView,
  type CaseDetail,
  type CaseLink,
  type CasePriority,
  type CaseStatus,
  type ObjectView,
  type PeerView,
  type RequestView,
  type ShareResult,
} from '../../../app/types';
import { AttributionView } from '../components/case-attribution';
import { CaseGraph } from '../components/case-graph';
import { CaseImports } from '../components/case-import';
import { AddObjectForm } from '../components/case-object-form';
import {
  ATTRIBUTION_LIMIT,
  ATTRIBUTION_TYPES,
  useObjectPages,
  useObjectsOfTypes,
} from '../components/case-object-pages';
import { CaseObjects } from '../components/case-objects';
import {
  NO_FILTERS,
  ObjectTypeField,
  PriorityFields,
  queryOf,
  type ObjectFilters,
} from '../components/case-filters';
import {
  CasePriorityBadge,
  CaseStatusBadge,
  isCaseEvent,
  optionLabel,
  refs,
} from '../components/cases';
import { Tabs } from '../components/case-tabs';
import { useRefusalText } from '../components/case-object-sharing';
import { ChoiceField } from '../../../ui/choice-field';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { formatDateTime } from '../../../ui/format';
import { useCoalesced, usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useSession, useUser, useUserTimeZone } from '../../../app/session';
import '../i18n';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';

function When({ iso }: { iso: string }) {
  const { i18n } = useTranslation();
  const zone = useUserTimeZone();
  return <time dateTime={iso}>{formatDateTime(iso, i18n.language, zone)}</time>;
}

/** Objects the graph draws at most (a circle of more is unreadable). */
const GRAPH_MAX = 100;

/** One case: its fields, nodes, links, sharing, the attribution dispute, graph and objects. */
export function CasePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const target = params.get('object');
  const asked = params.get('tab');
  // No tab named (a search hit's ?object= link among them): the objects.
  const tab: CaseTab = isCaseTab(asked) ? asked : 'objects';
  const chooseTab = (next: CaseTab) => {
    if (next === tab) return;
    const changed = new URLSearchParams(params);
    if (next === 'objects') changed.delete('tab');
    else changed.set('tab', next);
    setParams(changed);
  };
  const user = useUser();
  const self = useSession().node.node?.nodeId ?? null;
  // The case itself; its objects are read page by page below (limit=1: the count comes along).
  const {
    data: detail,
    error,
    reload,
  } = useLoader<CaseDetail>(useCallback(() => api.getCase(id, { limit: 1 }), [id]));
  const [filters, setFilters] = useState<ObjectFilters>(NO_FILTERS);
  const query = useMemo(() => queryOf(filters), [filters]);
  const pages = useObjectPages(id, query);
  const related = useObjectsOfTypes(id, ATTRIBUTION_TYPES);
  // Live events name the object that changed; a burst is read in one refresh.
  const changed = useRef(new Set<string>());
  const { refresh: refreshPages } = pages;
  const { reload: reloadRelated } = related;
  const refresh = useCoalesced(
    useCallback(async () => {
      const ids = [...changed.current];
      changed.current.clear();
      await Promise.all([reload(), refreshPages(ids), reloadRelated()]);
    }, [reload, refreshPages, reloadRelated]),
  );
  const changedObject = useCallback(
    (objectId?: string) => {
      if (objectId) changed.current.add(objectId);
      refresh();
    },
    [refresh],
  );
  usePageTitle(detail ? detail.title : t('cases.title'));
  useLiveEvent('resync', refresh);
  useLiveEvent(['case.changed', 'case.object'], (data) => {
    if (isCaseEvent(data) && data.caseId === id) changedObject(data.objectId);
  });
  // Names for references: the attribution's objects and the loaded page.
  const byId = useMemo(
    () => new Map([...(related.objects ?? []), ...(pages.objects ?? [])].map((o) => [o.id, o])),
    [related.objects, pages.objects],
  );
  const known = useMemo(() => [...byId.values()], [byId]);
  // The opinions and notes about each object, shown under it in the list.
  const answers = useMemo(() => {
    const about = new Map<string, ObjectView[]>();
    for (const o of related.objects ?? []) {
      if (o.type !== 'opinion' && o.type !== 'note') continue;
      for (const ref of refs(o.object, 'object_refs'))
        about.set(ref, [...(about.get(ref) ?? []), o]);
    }
    return about;
  }, [related.objects]);

  if (!detail) {
    return (
      <section className="page">
        <p className="small">
          <Link to="/cases">{t('cases.back')}</Link>
        </p>
        <h1>{t('cases.title')}</h1>
        {error ? <ErrorAlert error={error} /> : <p role="status">{t('common.loading')}</p>}
      </section>
    );
  }

  const mayWrite = rolesAllow(user.roles, 'cases.write');
  const permissions = {
    self,
    mayWrite,
    mayDeclassify: rolesAllow(user.roles, 'cases.declassify'),
  };
  const isOwner = self !== null && detail.owner === self;
  const loaded = pages.objects ?? [];
  const drawn = loaded.slice(0, GRAPH_MAX);

  const objectsPanel = (
    <>
      <section className="case-section" aria-labelledby="case-objects">
        <h2 id="case-objects">{t('cases.objects.title', { count: detail.objectCount })}</h2>
        <CaseObjects
          detail={detail}
          pages={pages}
          filters={filters}
          onFilters={setFilters}
          byId={byId}
          answers={answers}
          permissions={permissions}
          target={target}
          onChanged={changedObject}
        />
      </section>
      {mayWrite && self !== null ? (
        <AddObjectForm
          detail={detail}
          known={known}
          self={self}
          onAdded={(view) => changedObject(view.id)}
        />
      ) : null}
    </>
  );
  const graphPanel = (
    <>
      <section className="case-section" aria-labelledby="case-attribution">
        <h2 id="case-attribution">{t('cases.attribution.title')}</h2>
        <p className="muted">{t('cases.attribution.intro')}</p>
        {related.truncated.length > 0 ? (
          <p className="notice small" role="note" data-testid="attribution-partial">
            {t('cases.attribution.partial', { limit: ATTRIBUTION_LIMIT })}
          </p>
        ) : null}
        {related.error ? <ErrorAlert error={related.error} /> : null}
        {related.objects === null ? (
          related.error ? null : (
            <p role="status">{t('common.loading')}</p>
          )
        ) : (
          <AttributionView objects={related.objects} byId={byId} self={self} />
        )}
      </section>
      <section className="case-section" aria-labelledby="case-graph">
        <h2 id="case-graph">{t('cases.graph.title')}</h2>
        {pages.objects !== null && loaded.length < detail.objectCount ? (
          <p className="muted small" data-testid="graph-partial">
            {t('cases.graph.partial', {
              count: drawn.length,
              total: detail.objectCount,
            })}
          </p>
        ) : null}
        <CaseGraph objects={drawn} byId={byId} />
      </section>
    </>
  );
  const importPanel = (
    <>
      <CaseImports caseId={detail.id} mayWrite={mayWrite} />
      <section className="card" aria-labelledby="case-export">
        <h2 id="case-export">{t('cases.export.title')}</h2>
        <p className="muted small">{t('cases.export.hint')}</p>
        <a
          className="button-link"
          href={api.caseExportUrl(detail.id)}
          download={`case-${detail.id}.stix.json`}
        >
          {t('cases.export.link')}
        </a>
      </section>
    </>
  );
  const peoplePanel = (
    <>
      <div className="cards">
        <Participants detail={detail} isOwner={isOwner && mayWrite} onChanged={refresh} />
        <Links detail={detail} mayWrite={mayWrite} onChanged={refresh} />
      </div>
      {mayWrite ? <SharePanel detail={detail} self={self} byId={byId} onShared={refresh} /> : null}
    </>
  );
  const panels: Record<CaseTab, JSX.Element> = {
    objects: objectsPanel,
    graph: graphPanel,
    import: importPanel,
    people: peoplePanel,
  };

  return (
    <section className="page case-page">
      <p className="small">
        <Link to="/cases">{t('cases.back')}</Link>
      </p>
      <h1>
        {detail.title} <ExerciseBadge exerciseId={detail.exerciseId} />
      </h1>
      {error ? <ErrorAlert error={error} /> : null}
      <CaseFacts detail={detail} self={self} />
      <AutoShare detail={detail} mayWrite={mayWrite} onSaved={refresh} />
      {isOwner && mayWrite ? <EditCase detail={detail} onSaved={refresh} /> : null}
      <Tabs
        id="case"
        label={t('cases.tabs.label')}
        tabs={CASE_TABS}
        current={tab}
        labelOf={(name) => t(`cases.tabs.${name}`)}
        onChoose={chooseTab}
      >
        {panels[tab]}
      </Tabs>
    </section>
  );
}

/** The parts of the case page, one at a time; the URL's `?tab=` names the one shown. */
const CASE_TABS = ['objects', 'graph', 'import', 'people'] as const;
type CaseTab = (typeof CASE_TABS)[number];

function isCaseTab(value: string | null): value is CaseTab {
  return (CASE_TABS as readonly (string | null)[]).includes(value);
}

/**
 * Whether this node's new objects go to the case's other nodes by themselves (this node's
 * own setting for its copy of the case; switched on, what the case holds follows).
 */
function AutoShare({
  detail,
  mayWrite,
  onSaved,
}: {
  detail: CaseDetail;
  mayWrite: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  // Shown as chosen at once; the case as read again (or a refusal) settles it.
  const [value, setValue] = useState(detail.autoShare);
  useEffect(() => setValue(detail.autoShare), [detail.autoShare]);
  const save = useSubmit((autoShare: boolean) => api.updateCase(detail.id, { autoShare }), onSaved);
  const busy = save.busy;
  const change = async (autoShare: boolean) => {
    setValue(autoShare);
    if ((await save.submit(autoShare)) === undefined) setValue(detail.autoShare);
  };
  return (
    <div className="auto-share card" data-testid="auto-share">
      <label className="checkbox" htmlFor={`${id}-auto`}>
        <input
          id={`${id}-auto`}
          type="checkbox"
          checked={value}
          disabled={busy || !mayWrite}
          aria-describedby={`${id}-hint`}
          onChange={(e) => void change(e.target.checked)}
        />
        {t('cases.sharing.auto')}
      </label>
      <p className="muted small" id={`${id}-hint`}>
        {value ? t('cases.sharing.autoOnHint') : t('cases.sharing.autoOffHint')}
      </p>
      <ProblemAlert problem={save.problem} />
    </div>
  );
}

function CaseFacts({ detail, self }: { detail: CaseDetail; self: string | null }) {
  const { t } = useTranslation();
  return (
    <>
      <dl className="facts" aria-label={t('cases.case.facts')}>
        <div>
          <dt>{t('cases.case.owner')}</dt>
          <dd data-testid="case-owner">
            {detail.owner === self ? t('cases.thisNode', { node: detail.owner }) : detail.owner}
          </dd>
        </div>
        <div>
          <dt>{t('cases.case.kind')}</dt>
          <dd>{t(`cases.kinds.${detail.kind}`)}</dd>
        </div>
        <div>
          <dt>{t('cases.case.priority')}</dt>
          <dd data-testid="case-priority">
            <CasePriorityBadge priority={detail.priority} />
            {detail.priorityCase ? (
              <span className="badge priority-case">{t('cases.priorityCase')}</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t('cases.case.status')}</dt>
          <dd data-testid="case-status">
            <CaseStatusBadge status={detail.status} />
          </dd>
        </div>
        <div>
          <dt>{t('cases.case.opened')}</dt>
          <dd>
            <When iso={detail.createdAt} />
          </dd>
        </div>
        <div>
          <dt>{t('cases.case.updated')}</dt>
          <dd>
            <When iso={detail.updatedAt} />
          </dd>
        </div>
      </dl>
      {detail.summary ? (
        <section aria-labelledby="case-summary">
          <h2 id="case-summary" className="visually-hidden">
            {t('cases.case.summary')}
          </h2>
          <p className="note-text case-summary">{detail.summary}</p>
        </section>
      ) : null}
    </>
  );
}

/** The owner moves the case along and sets its priority. */
function EditCase({ detail, onSaved }: { detail: CaseDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [status, setStatus] = useState<CaseStatus>(detail.status);
  const [priority, setPriority] = useState<CasePriority>(detail.priority);
  const [priorityCase, setPriorityCase] = useState(detail.priorityCase);
  const save = useSubmit(
    (body: { status: CaseStatus; priority: CasePriority; priorityCase: boolean }) =>
      api.updateCase(detail.id, body),
    onSaved,
  );
  const busy = save.busy;
  useEffect(() => {
    setStatus(detail.status);
    setPriority(detail.priority);
    setPriorityCase(detail.priorityCase);
  }, [detail.status, detail.priority, detail.priorityCase]);
  const changed =
    status !== detail.status ||
    priority !== detail.priority ||
    priorityCase !== detail.priorityCase;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.submit({ status, priority, priorityCase });
  };

  return (
    <form
      className="form card case-edit"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={submit}
    >
      <h2 id={`${id}-title`}>{t('cases.case.editTitle')}</h2>
      <ProblemAlert problem={save.problem} />
      <div className="field-row">
        <ChoiceField
          id={`${id}-status`}
          label={t('cases.case.status')}
          value={status}
          options={CASE_STATUSES}
          labelOf={(s) => t(`cases.statuses.${s}`)}
          onChange={setStatus}
        />
        <PriorityFields
          id={id}
          priority={priority}
          onPriority={setPriority}
          priorityCase={priorityCase}
          onPriorityCase={setPriorityCase}
          checkLabel={t('cases.priorityCase')}
        />
        <div className="form-actions">
          <button type="submit" disabled={busy || !changed}>
            {t('cases.case.save')}
          </button>
        </div>
      </div>
    </form>
  );
}

function Participants({
  detail,
  isOwner,
  onChanged,
}: {
  detail: CaseDetail;
  isOwner: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [peers, setPeers] = useState<PeerView[] | null>(null);
  const [peer, setPeer] = useState('');
  const add = useSubmit(
    (node: string) => api.addCaseParticipant(detail.id, node),
    () => {
      setPeer('');
      onChanged();
    },
  );
  const { busy, fail } = add;
  useEffect(() => {
    if (!isOwner) return;
    peersApi.listPeers().then(
      (list) => setPeers(list.filter((p) => p.status === 'active')),
      (error: unknown) => fail({ error }),
    );
  }, [isOwner, fail]);
  const candidates = (peers ?? []).filter((p) => !detail.participants.includes(p.nodeId));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (peer) void add.submit(peer);
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('cases.participants.title')}</h2>
      <p className="muted small">{t('cases.participants.intro', { owner: detail.owner })}</p>
      {detail.participants.length === 0 ? (
        <p className="muted">{t('cases.participants.none')}</p>
      ) : (
        <ul className="plain" aria-label={t('cases.participants.title')}>
          {detail.participants.map((node) => (
            <li key={node} data-testid="participant">
              {node}
            </li>
          ))}
        </ul>
      )}
      <ProblemAlert problem={add.problem} />
      {isOwner ? (
        <form className="inline-form" noValidate onSubmit={submit}>
          <label htmlFor={`${id}-peer`}>{t('cases.participants.peer')}</label>
          <select
            id={`${id}-peer`}
            value={peer}
            disabled={candidates.length === 0}
            onChange={(e) => setPeer(e.target.value)}
          >
            <option value="">
              {peers !== null && candidates.length === 0
                ? t('cases.participants.noMore')
                : t('cases.participants.choose')}
            </option>
            {candidates.map((p) => (
              <option key={p.nodeId} value={p.nodeId}>
                {p.name} ({p.nodeId})
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy || !peer}>
            {t('cases.participants.add')}
          </button>
        </form>
      ) : (
        <p className="muted small">{t('cases.participants.ownerOnly')}</p>
      )}
    </section>
  );
}

function Links({
  detail,
  mayWrite,
  onChanged,
}: {
  detail: CaseDetail;
  mayWrite: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [requests, setRequests] = useState<RequestView[]>([]);
  const [calls, setCalls] = useState<CallView[]>([]);
  const [kind, setKind] = useState<CaseLink['kind']>('request');
  const [refId, setRefId] = useState('');
  const link = useSubmit(
    (body: { kind: CaseLink['kind']; refId: string }) => api.linkToCase(detail.id, body),
    () => {
      setRefId('');
      onChanged();
    },
  );
  const busy = link.busy;
  useEffect(() => {
    // Names for the links; a failure leaves the ids, which still link.
    requestsApi.listRequests().then(setRequests, () => undefined);
    hotlineApi.listCalls({ limit: 200 }).then(setCalls, () => undefined);
  }, []);
  const requestName = (ref: string) => {
    const r = requests.find((x) => x.id === ref);
    return r ? `${r.reference} — ${r.title}` : ref;
  };
  const callName = (ref: string) => calls.find((x) => x.id === ref)?.subject ?? ref;
  const linked = new Set(detail.links.map((l) => `${l.kind}:${l.refId}`));
  const options =
    kind === 'request'
      ? requests
          .filter((r) => r.status !== 'draft' && !linked.has(`request:${r.id}`))
          .map((r) => ({ id: r.id, name: requestName(r.id) }))
      : calls
          .filter((c) => !linked.has(`call:${c.id}`))
          .map((c) => ({ id: c.id, name: c.subject }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (refId) void link.submit({ kind, refId });
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('cases.links.title')}</h2>
      {detail.links.length === 0 ? (
        <p className="muted">{t('cases.links.none')}</p>
      ) : (
        <ul className="plain" aria-label={t('cases.links.title')}>
          {detail.links.map((link) => (
            <li key={`${link.kind}-${link.refId}`}>
              <span className="tag">{t(`cases.links.kinds.${link.kind}`)}</span>{' '}
              {link.kind === 'request' ? (
                <Link to={`/requests/${link.refId}`}>{requestName(link.refId)}</Link>
              ) : (
                <Link to={`/hotline/${link.refId}`}>{callName(link.refId)}</Link>
              )}{' '}
              <LinkedExerciseBadge
                item={
                  link.kind === 'request'
                    ? requests.find((x) => x.id === link.refId)
                    : calls.find((x) => x.id === link.refId)
                }
              />
            </li>
          ))}
        </ul>
      )}
      <ProblemAlert problem={link.problem} />
      {mayWrite ? (
        <form className="form" noValidate onSubmit={submit}>
          <div className="field-row">
            <Field label={t('cases.links.kind')}>
              <select
                value={kind}
                onChange={(e) => {
                  setKind(e.target.value as CaseLink['kind']);
                  setRefId('');
                }}
              >
                <option value="request">{t('cases.links.kinds.request')}</option>
                <option value="call">{t('cases.links.kinds.call')}</option>
              </select>
            </Field>
            <Field label={t('cases.links.which')}>
              <select
                value={refId}
                disabled={options.length === 0}
                onChange={(e) => setRefId(e.target.value)}
              >
                <option value="">
                  {options.length === 0 ? t('cases.links.nothing') : t('cases.links.choose')}
                </option>
                {options.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <div className="form-actions">
            <button type="submit" disabled={busy || !refId}>
              {t('cases.links.add')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

/** Sends the case's objects to one of its nodes, as far as TLP lets them go, and says what stayed. */
function SharePanel({
  detail,
  self,
  byId,
  onShared,
}: {
  detail: CaseDetail;
  self: string | null;
  byId: ReadonlyMap<string, ObjectView>;
  onShared: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const refusal = useRefusalText();
  const nodes = nodesOfCase(detail).filter((n) => n !== self);
  const [peer, setPeer] = useState(nodes.length === 1 ? (nodes[0] ?? '') : '');
  const [chosen, setChosen] = useState<ObjectView[]>([]);
  const [result, setResult] = useState<(ShareResult & { peer: string }) | null>(null);
  const share = useSubmit(
    (to: string, objects: readonly ObjectView[]) =>
      api.shareCase(detail.id, {
        peer: to,
        ...(objects.length > 0 ? { objects: objects.map((o) => o.id) } : {}),
      }),
    (answer, to) => {
      setResult({ ...answer, peer: to });
      setChosen([]);
      onShared();
    },
  );
  const busy = share.busy;
  // When the case has one other node (the usual pair), it is chosen for the user.
  const nodesKey = nodes.join(' ');
  useEffect(() => {
    const list = nodesKey.split(' ').filter(Boolean);
    if (!peer && list.length === 1) setPeer(list[0] ?? '');
  }, [peer, nodesKey]);

  const name = (objectId: string) => {
    const view = byId.get(objectId);
    return view ? optionLabel(t, view, byId) : objectId;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!peer) {
      share.fail({ message: t('cases.share.peerRequired'), field: 'peer' });
      return;
    }
    setResult(null);
    void share.submit(peer, chosen);
  };

  return (
    <section className="card share-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('cases.share.title')}</h2>
      <p className="muted small">{t('cases.share.intro')}</p>
      {nodes.length === 0 ? (
        <p className="muted">{t('cases.share.noNode')}</p>
      ) : (
        <form className="form" noValidate aria-labelledby={`${id}-title`} onSubmit={submit}>
          <ProblemAlert problem={share.problem} />
          <Field label={t('cases.share.peer')}>
            <select value={peer} onChange={(e) => setPeer(e.target.value)}>
              <option value="">{t('cases.share.choosePeer')}</option>
              {nodes.map((node) => (
                <option key={node} value={node}>
                  {node}
                </option>
              ))}
            </select>
          </Field>
          <ObjectPicker caseId={detail.id} byId={byId} chosen={chosen} onChosen={setChosen} />
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={busy}>
              {chosen.length > 0
                ? t('cases.share.submitChosen', { count: chosen.length })
                : t('cases.share.submit')}
            </button>
          </div>
        </form>
      )}
      {result ? (
        <div role="status" className="share-result" data-testid="share-result">
          <p className="alert alert-ok">
            {t('cases.share.sent', { count: result.sent.length, peer: result.peer })}
          </p>
          {result.withheld.length > 0 ? (
            <>
              <p>{t('cases.share.withheld', { count: result.withheld.length })}</p>
              <ul className="withheld" aria-label={t('cases.share.withheldLabel')}>
                {result.withheld.slice(0, WITHHELD_SHOWN).map((w) => (
                  <li key={w.id}>
                    <strong>{name(w.id)}</strong>: {refusal(w.reason)}
                  </li>
                ))}
              </ul>
              {result.withheld.length > WITHHELD_SHOWN ? (
                <p className="muted small">
                  {t('cases.share.withheldMore', {
                    count: result.withheld.length - WITHHELD_SHOWN,
                  })}
                </p>
              ) : null}
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** Withheld objects named after a share, at most (a whole case may withhold thousands). */
const WITHHELD_SHOWN = 100;

/**
 * Which objects to share, found by words and type a page at a time (a case may hold a
 * million: they are never all listed). The chosen stay chosen across searches.
 */
function ObjectPicker({
  caseId,
  byId,
  chosen,
  onChosen,
}: {
  caseId: string;
  byId: ReadonlyMap<string, ObjectView>;
  chosen: ObjectView[];
  onChosen: (chosen: ObjectView[]) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [q, setQ] = useState('');
  const [type, setType] = useState('');
  const [found, setFound] = useState<{ objects: ObjectView[]; next: string | null } | null>(null);
  const names = useMemo(
    () => new Map([...byId, ...(found?.objects ?? []).map((o) => [o.id, o] as const)]),
    [byId, found],
  );
  const search = useSubmit(
    (cursor?: string) =>
      api.listCaseObjects(caseId, {
        ...(q.trim() ? { q: q.trim() } : {}),
        ...(type ? { type } : {}),
        limit: PICKER_PAGE,
        ...(cursor ? { cursor } : {}),
      }),
    (page, cursor) =>
      setFound((current) =>
        cursor && current
          ? { objects: [...current.objects, ...page.objects], next: page.next }
          : page,
      ),
  );
  const busy = search.busy;
  const find = (cursor?: string) => search.submit(cursor);
  const isChosen = (objectId: string) => chosen.some((o) => o.id === objectId);
  const toggle = (view: ObjectView, on: boolean) =>
    onChosen(on ? [...chosen, view] : chosen.filter((o) => o.id !== view.id));
  const box = (view: ObjectView, prefix: string) => (
    <label key={view.id} className="checkbox" htmlFor={`${id}-${prefix}-${view.id}`}>
      <input
        id={`${id}-${prefix}-${view.id}`}
        type="checkbox"
        checked={isChosen(view.id)}
        onChange={(e) => toggle(view, e.target.checked)}
      />
      {optionLabel(t, view, names)}
    </label>
  );
  return (
    <details
      className="share-choose"
      onToggle={(event) => {
        if (event.currentTarget.open && found === null) void find();
      }}
    >
      <summary>{t('cases.share.chooseObjects')}</summary>
      <p className="field-hint">{t('cases.share.findHint')}</p>
      <div className="inline-form" role="search" aria-label={t('cases.share.find')}>
        <label htmlFor={`${id}-q`}>{t('cases.share.findWords')}</label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          maxLength={200}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void find();
            }
          }}
        />
        <ObjectTypeField id={`${id}-type`} value={type} onChange={setType} />
        <button type="button" disabled={busy} onClick={() => void find()}>
          {t('cases.share.find')}
        </button>
      </div>
      <ProblemAlert problem={search.problem} />
      {chosen.length > 0 ? (
        <fieldset className="checkboxes">
          <legend>{t('cases.share.chosen', { count: chosen.length })}</legend>
          {chosen.map((view) => box(view, 'chosen'))}
        </fieldset>
      ) : null}
      {found === null ? null : (
        <fieldset className="checkboxes">
          <legend>{t('cases.share.objects')}</legend>
          {found.objects.length === 0 ? (
            <p className="muted small">{t('cases.share.noneFound')}</p>
          ) : null}
          {found.objects.filter((view) => !isChosen(view.id)).map((view) => box(view, 'found'))}
          {found.next ? (
            <button
              type="button"
              className="button-quiet"
              disabled={busy}
              onClick={() => void find(found.next ?? undefined)}
            >
              {t('cases.share.more')}
            </button>
          ) : null}
        </fieldset>
      )}
    </details>
  );
}

/** Objects the share's picker lists per page. */
const PICKER_PAGE = 25;

/** EXERCISE beside a linked request or call an exercise made (nothing until it is loaded). */
function LinkedExerciseBadge({ item }: { item: { exerciseId: string | null } | undefined }) {
  return item?.exerciseId ? <ExerciseBadge exerciseId={item.exerciseId} /> : null;
}
