import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import { peerMayReceive } from '../../../../src/core/tlp-rules';
import {
  nodesOfCase,
  type CaseView,
  type ObjectView,
  type ShareRefusal,
  type ShareResult,
} from '../../../app/types';
import { ProblemAlert } from '../../../ui/errors';
import { useSubmit } from '../../../ui/submit';
import '../i18n';
import '../cases.css';

const REFUSALS: readonly ShareRefusal[] = [
  'not_a_case_node',
  'not_origin_or_owner',
  'strict_not_origin',
  'red_not_origin',
  'red_not_recipient',
];

export function isRefusal(reason: string): reason is ShareRefusal {
  return (REFUSALS as readonly string[]).includes(reason);
}

/** Why an object stayed here, in the user's language (a reason the API may add, as it is). */
export function useRefusalText(): (reason: string) => string {
  const { t } = useTranslation();
  return (reason) => (isRefusal(reason) ? t(`cases.share.reasons.${reason}`) : reason);
}

/**
 * Where one of this node's objects went: "Shared with cn-mps", or a "Not shared" badge with
 * the reason (its marking keeps it here, or the case's automatic sharing is off), and a
 * Share button that sends it to the nodes of the case it has not reached.
 */
export function SharedState({
  view,
  detail,
  self,
  mayWrite,
  onShared,
}: {
  view: ObjectView;
  detail: CaseView;
  self: string;
  mayWrite: boolean;
  onShared: (objectId: string) => void;
}) {
  const { t } = useTranslation();
  const refusal = useRefusalText();
  const [results, setResults] = useState<(ShareResult & { peer: string })[] | null>(null);
  const others = nodesOfCase(detail).filter((node) => node !== self);
  const missing = others.filter((node) => !view.sharedWith.includes(node));
  const verdicts = missing.map((node) => ({
    node,
    verdict: peerMayReceive(view, detail, self, node),
  }));
  const sendable = verdicts.filter((v) => v.verdict.ok).map((v) => v.node);
  const refused = verdicts.flatMap((v) =>
    v.verdict.ok ? [] : [{ node: v.node, reason: v.verdict.reason }],
  );

  const share = useSubmit(
    async (peers: readonly string[]) => {
      const answers: (ShareResult & { peer: string })[] = [];
      for (const peer of peers) {
        const answer = await api.shareCase(detail.id, { peer, objects: [view.id] });
        answers.push({ ...answer, peer });
      }
      return answers;
    },
    (answers) => {
      setResults(answers);
      onShared(view.id);
    },
  );
  const busy = share.busy;

  if (others.length === 0) {
    return (
      <span className="shared-state muted small" data-testid="shared-state">
        {t('cases.sharing.noOtherNode')}
      </span>
    );
  }
  return (
    <span className="shared-state" data-testid="shared-state">
      {view.sharedWith.length > 0 ? (
        <span className="small shared-with">
          {t('cases.sharing.sharedWith', { nodes: view.sharedWith.join(', ') })}
        </span>
      ) : null}
      {missing.length > 0 ? (
        <>
          {view.sharedWith.length > 0 ? <br /> : null}
          <span className="badge badge-not-shared">
            {view.sharedWith.length > 0
              ? t('cases.sharing.notSharedWith', { nodes: missing.join(', ') })
              : t('cases.sharing.notShared')}
          </span>
          <span className="muted small not-shared-why">
            {' '}
            {refused.length > 0
              ? refused
                  .map((r) =>
                    missing.length > 1 ? `${r.node}: ${refusal(r.reason)}` : refusal(r.reason),
                  )
                  .join(' ')
              : detail.autoShare
                ? t('cases.sharing.notYet')
                : t('cases.sharing.autoOff')}
          </span>
          {mayWrite && sendable.length > 0 ? (
            <>
              <br />
              <button
                type="button"
                className="share-one"
                disabled={busy}
                aria-label={t('cases.sharing.shareOneLabel', {
                  label: view.label || view.id,
                  nodes: sendable.join(', '),
                })}
                onClick={() => void share.submit(sendable)}
              >
                {t('cases.sharing.shareOne')}
              </button>
            </>
          ) : null}
        </>
      ) : null}
      <ProblemAlert problem={share.problem} />
      {results ? (
        <span role="status" className="small share-one-result" data-testid="share-one-result">
          {results.map((r) => (
            <span key={r.peer}>
              {r.sent.length > 0
                ? t('cases.sharing.sentTo', { peer: r.peer })
                : t('cases.sharing.withheldFrom', {
                    peer: r.peer,
                    reason: r.withheld.map((w) => refusal(w.reason)).join(' '),
                  })}
            </span>
          ))}
        </span>
      ) : null}
    </span>
  );
}
