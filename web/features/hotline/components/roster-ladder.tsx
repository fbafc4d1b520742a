import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/client';
import * as api from '../api';
import {
  CHANNELS,
  TIERS,
  type Channel,
  type ContactView,
  type Ladder,
  type LadderTarget,
  type Rung,
  type Tier,
  type WebhookView,
} from '../../../app/types';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { useSubmit } from '../../../ui/submit';
import { useLiveEvent } from '../../../app/live-events';
import '../i18n';

// The escalation ladder: per tier, the rungs a call climbs (who, by which channels), and
// the fallback when a call cannot be delivered (hotline roster page).

const NEW_RUNG: Rung = { targets: [{ kind: 'on_duty' }], channels: ['browser'], webhooks: [] };
const EMPTY_LADDER: Ladder = {
  tiers: { technical: [NEW_RUNG], formal_inquiry: [NEW_RUNG], senior: [NEW_RUNG] },
  fallback: { targets: [], channels: [], webhooks: [], emailPeerContacts: false },
};

function TargetsEditor({
  targets,
  contacts,
  label,
  onChange,
}: {
  targets: LadderTarget[];
  contacts: ContactView[];
  label: string;
  onChange: (targets: LadderTarget[]) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const valueOf = (target: LadderTarget) =>
    target.kind === 'on_duty' ? 'on_duty' : target.contactId;
  const targetOf = (value: string): LadderTarget =>
    value === 'on_duty' ? { kind: 'on_duty' } : { kind: 'contact', contactId: value };
  const firstContact = contacts[0];
  return (
    <fieldset className="field ladder-targets">
      <legend>{label}</legend>
      {targets.length === 0 ? <p className="muted small">{t('hotline.ladder.noTargets')}</p> : null}
      <ul className="plain">
        {targets.map((target, index) => (
          <li key={index} className="inline-field">
            <label htmlFor={`${id}-${index}`} className="visually-hidden">
              {t('hotline.ladder.targetN', { n: index + 1 })}
            </label>
            <select
              id={`${id}-${index}`}
              value={valueOf(target)}
              onChange={(e) =>
                onChange(targets.map((tg, i) => (i === index ? targetOf(e.target.value) : tg)))
              }
            >
              <option value="on_duty">{t('hotline.ladder.onDuty')}</option>
              {target.kind === 'contact' && !contacts.some((c) => c.id === target.contactId) ? (
                <option value={target.contactId}>{target.contactId}</option>
              ) : null}
              {contacts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button-quiet"
              onClick={() => onChange(targets.filter((_, i) => i !== index))}
            >
              {t('hotline.ladder.removeTarget')}
            </button>
          </li>
        ))}
      </ul>
      <div className="form-actions">
        <button type="button" onClick={() => onChange([...targets, { kind: 'on_duty' }])}>
          {t('hotline.ladder.addOnDuty')}
        </button>
        {firstContact ? (
          <button
            type="button"
            onClick={() => onChange([...targets, { kind: 'contact', contactId: firstContact.id }])}
          >
            {t('hotline.ladder.addContact')}
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

function ChannelsEditor({
  channels,
  webhookIds,
  webhooks,
  onChange,
}: {
  channels: Channel[];
  webhookIds: string[];
  webhooks: WebhookView[];
  onChange: (channels: Channel[], webhookIds: string[]) => void;
}) {
  const { t } = useTranslation();
  const known = new Map(webhooks.map((w) => [w.id, w.name]));
  const listed = [...webhooks.map((w) => w.id), ...webhookIds.filter((w) => !known.has(w))];
  return (
    <>
      <fieldset className="field checkboxes">
        <legend>{t('hotline.ladder.channels')}</legend>
        {CHANNELS.map((channel) => (
          <label key={channel} className="checkbox">
            <input
              type="checkbox"
              checked={channels.includes(channel)}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? CHANNELS.filter((c) => c === channel || channels.includes(c))
                    : channels.filter((c) => c !== channel),
                  webhookIds,
                )
              }
            />{' '}
            {t(`hotline.channels.${channel}`)}
          </label>
        ))}
      </fieldset>
      {channels.includes('webhook') ? (
        <fieldset className="field checkboxes">
          <legend>{t('hotline.ladder.webhooks')}</legend>
          {listed.length === 0 ? (
            <p className="muted small">{t('hotline.ladder.noWebhooks')}</p>
          ) : null}
          {listed.map((webhookId) => (
            <label key={webhookId} className="checkbox">
              <input
                type="checkbox"
                checked={webhookIds.includes(webhookId)}
                onChange={(e) =>
                  onChange(
                    channels,
                    e.target.checked
                      ? [...webhookIds, webhookId]
                      : webhookIds.filter((w) => w !== webhookId),
                  )
                }
              />{' '}
              {known.get(webhookId) ?? webhookId}
            </label>
          ))}
        </fieldset>
      ) : null}
    </>
  );
}

export function LadderEditor({
  contacts,
  webhooks,
}: {
  contacts: ContactView[];
  webhooks: WebhookView[];
}) {
  const { t } = useTranslation();
  const id = useId();
  const [ladder, setLadder] = useState<Ladder | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [dirty, setDirty] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(api.saveLadder, (stored) => {
    setLadder(stored);
    setDirty(false);
    setSaved(true);
  });
  const busy = save.busy;

  const load = useCallback(async () => {
    try {
      setLadder(await api.getLadder());
      setLoadError(null);
      setDirty(false);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setLadder(EMPTY_LADDER);
      else setLoadError(error);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  // Someone else saved: take theirs, unless this editor holds unsaved changes.
  useLiveEvent(['hotline.roster', 'resync'], () => {
    if (!dirty) void load();
  });

  if (!ladder) {
    return (
      <section aria-labelledby={`${id}-title`} className="hotline-section">
        <h2 id={`${id}-title`}>{t('hotline.ladder.title')}</h2>
        {loadError ? <ErrorAlert error={loadError} /> : <p role="status">{t('common.loading')}</p>}
      </section>
    );
  }

  const change = (next: Ladder) => {
    setLadder(next);
    setDirty(true);
    setSaved(false);
  };
  const setRungs = (tier: Tier, rungs: Rung[]) =>
    change({ ...ladder, tiers: { ...ladder.tiers, [tier]: rungs } });

  return (
    <section aria-labelledby={`${id}-title`} className="hotline-section">
      <h2 id={`${id}-title`}>{t('hotline.ladder.title')}</h2>
      <p className="muted">{t('hotline.ladder.intro')}</p>
      {TIERS.map((tier) => {
        const rungs = ladder.tiers[tier] ?? [];
        return (
          <section key={tier} className="card ladder-tier" aria-labelledby={`${id}-${tier}`}>
            <h3 id={`${id}-${tier}`}>{t(`hotline.tiers.${tier}`)}</h3>
            <ol className="ladder-rungs">
              {rungs.map((rung, index) => {
                const update = (next: Rung) =>
                  setRungs(
                    tier,
                    rungs.map((r, i) => (i === index ? next : r)),
                  );
                const move = (by: number) => {
                  const next = [...rungs];
                  const [taken] = next.splice(index, 1);
                  if (taken) next.splice(index + by, 0, taken);
                  setRungs(tier, next);
                };
                return (
                  <li key={index} className="ladder-rung">
                    <h4>{t('hotline.ladder.rungN', { n: index + 1 })}</h4>
                    <TargetsEditor
                      targets={rung.targets}
                      contacts={contacts}
                      label={t('hotline.ladder.targets')}
                      onChange={(targets) => update({ ...rung, targets })}
                    />
                    <ChannelsEditor
                      channels={rung.channels}
                      webhookIds={rung.webhooks}
                      webhooks={webhooks}
                      onChange={(channels, hooks) => update({ ...rung, channels, webhooks: hooks })}
                    />
                    <div className="form-actions">
                      <button type="button" disabled={index === 0} onClick={() => move(-1)}>
                        {t('hotline.ladder.up')}
                      </button>
                      <button
                        type="button"
                        disabled={index === rungs.length - 1}
                        onClick={() => move(1)}
                      >
                        {t('hotline.ladder.down')}
                      </button>
                      <button
                        type="button"
                        className="button-quiet-danger"
                        disabled={rungs.length <= 1}
                        onClick={() =>
                          setRungs(
                            tier,
                            rungs.filter((_, i) => i !== index),
                          )
                        }
                      >
                        {t('hotline.ladder.removeRung')}
                      </button>
                    </div>
                  </li>
                );
              })}
            </ol>
            <button
              type="button"
              disabled={rungs.length >= 10}
              onClick={() => setRungs(tier, [...rungs, NEW_RUNG])}
            >
              {t('hotline.ladder.addRung')}
            </button>
          </section>
        );
      })}
      <section className="card ladder-tier" aria-labelledby={`${id}-fallback`}>
        <h3 id={`${id}-fallback`}>{t('hotline.ladder.fallbackTitle')}</h3>
        <p className="muted">{t('hotline.ladder.fallbackIntro')}</p>
        <TargetsEditor
          targets={ladder.fallback.targets}
          contacts={contacts}
          label={t('hotline.ladder.targets')}
          onChange={(targets) => change({ ...ladder, fallback: { ...ladder.fallback, targets } })}
        />
        <ChannelsEditor
          channels={ladder.fallback.channels}
          webhookIds={ladder.fallback.webhooks}
          webhooks={webhooks}
          onChange={(channels, hooks) =>
            change({ ...ladder, fallback: { ...ladder.fallback, channels, webhooks: hooks } })
          }
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={ladder.fallback.emailPeerContacts}
            onChange={(e) =>
              change({
                ...ladder,
                fallback: { ...ladder.fallback, emailPeerContacts: e.target.checked },
              })
            }
          />{' '}
          {t('hotline.ladder.emailPeerContacts')}
        </label>
      </section>
      <ProblemAlert problem={save.problem} />
      <div className="form-actions">
        <button
          type="button"
          className="button-primary"
          disabled={busy || !dirty}
          onClick={() => void save.submit(ladder)}
        >
          {t('hotline.ladder.save')}
        </button>
        <button type="button" disabled={busy || !dirty} onClick={() => void load()}>
          {t('hotline.ladder.discard')}
        </button>
        <p role="status" className="small">
          {saved ? t('hotline.ladder.saved') : dirty ? t('hotline.ladder.unsaved') : ''}
        </p>
      </div>
    </section>
  );
}
