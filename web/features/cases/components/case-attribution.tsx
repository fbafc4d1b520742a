import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ObjectView } from '../../../app/types';
import { TlpBadge, isOpinion, objectLabel, optionLabel, refs, text } from './cases';
import '../i18n';

/**
 * Every `attributed-to` relationship of the case, and beside it (two columns on wide
 * screens) every opinion and note about it, with the node each came from.
 */
export function AttributionView({
  objects,
  byId,
  self,
}: {
  objects: readonly ObjectView[];
  byId: ReadonlyMap<string, ObjectView>;
  self: string | null;
}) {
  const { t } = useTranslation();
  const attributions = objects.filter(
    (o) => o.type === 'relationship' && o.object['relationship_type'] === 'attributed-to',
  );
  if (attributions.length === 0) {
    return (
      <div className="empty">
        <p>{t('cases.attribution.none')}</p>
      </div>
    );
  }
  return (
    <>
      {attributions.map((attribution) => (
        <Attribution
          key={attribution.id}
          attribution={attribution}
          answers={objects.filter(
            (o) =>
              (o.type === 'opinion' || o.type === 'note') &&
              refs(o.object, 'object_refs').includes(attribution.id),
          )}
          byId={byId}
          self={self}
        />
      ))}
    </>
  );
}

function Origin({ node, self }: { node: string; self: string | null }) {
  const { t } = useTranslation();
  return (
    <span className="origin">
      {node === self
        ? t('cases.attribution.fromUs', { node })
        : t('cases.attribution.from', { node })}
    </span>
  );
}

function Attribution({
  attribution,
  answers,
  byId,
  self,
}: {
  attribution: ObjectView;
  answers: ObjectView[];
  byId: ReadonlyMap<string, ObjectView>;
  self: string | null;
}) {
  const { t } = useTranslation();
  const id = useId();
  const object = attribution.object;
  const name = (ref: string) => {
    const other = byId.get(ref);
    return other ? optionLabel(t, other, byId) : ref;
  };
  const evidence = refs(object, 'x_liaison_evidence_refs');
  const confidence = typeof object['confidence'] === 'number' ? object['confidence'] : null;
  const description = text(object, 'description');
  return (
    <article className="attribution" aria-labelledby={`${id}-title`} data-testid="attribution">
      <h3 id={`${id}-title`} className="attribution-title">
        {objectLabel(t, attribution, byId)}
      </h3>
      <div className="attribution-columns">
        <section
          className="attribution-claim"
          aria-label={t('cases.attribution.claim')}
          data-testid="attribution-claim"
        >
          <h4>{t('cases.attribution.claim')}</h4>
          <p className="attribution-link">
            <span>{name(text(object, 'source_ref'))}</span>
            <span aria-hidden="true"> → </span>
            <span className="visually-hidden"> {t('cases.attribution.attributedTo')} </span>
            <span>{name(text(object, 'target_ref'))}</span>
          </p>
          <p>
            {confidence !== null ? (
              <strong className="confidence">
                {t('cases.attribution.confidence', { confidence })}
              </strong>
            ) : (
              <span className="muted">{t('cases.attribution.noConfidence')}</span>
            )}{' '}
            <TlpBadge level={attribution.tlp} />
            {attribution.revoked ? (
              <span className="badge badge-off">{t('cases.objects.revoked')}</span>
            ) : null}
          </p>
          <p className="small">
            <Origin node={attribution.origin} self={self} />
          </p>
          {description ? <p className="note-text">{description}</p> : null}
          <h5>{t('cases.attribution.evidence')}</h5>
          {evidence.length === 0 ? (
            <p className="muted small">{t('cases.attribution.noEvidence')}</p>
          ) : (
            <ul className="evidence-list">
              {evidence.map((ref) => (
                <li key={ref}>{name(ref)}</li>
              ))}
            </ul>
          )}
        </section>
        <section
          className="attribution-answers"
          aria-label={t('cases.attribution.answers')}
          data-testid="attribution-answers"
        >
          <h4>{t('cases.attribution.answersCount', { count: answers.length })}</h4>
          {answers.length === 0 ? (
            <p className="muted">{t('cases.attribution.noAnswers')}</p>
          ) : (
            <ul className="plain answers">
              {answers.map((answer) => (
                <li key={answer.id} className={`answer answer-${answer.type}`}>
                  <Answer answer={answer} self={self} />
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </article>
  );
}

/** An opinion (its verdict and explanation) or a note, with the node it came from. */
export function Answer({ answer, self }: { answer: ObjectView; self: string | null }) {
  const { t } = useTranslation();
  const object = answer.object;
  if (answer.type === 'opinion') {
    const opinion = object['opinion'];
    const explanation = text(object, 'explanation');
    return (
      <>
        <p className="answer-head">
          <span className="answer-kind">{t('cases.types.opinion')}</span>{' '}
          <span className={`badge opinion opinion-${String(opinion)}`}>
            {isOpinion(opinion) ? t(`cases.opinions.${opinion}`) : String(opinion)}
          </span>{' '}
          <TlpBadge level={answer.tlp} />
          {answer.revoked ? (
            <span className="badge badge-off">{t('cases.objects.revoked')}</span>
          ) : null}
        </p>
        {explanation ? <p className="note-text">{explanation}</p> : null}
        <p className="small">
          <Origin node={answer.origin} self={self} />
        </p>
      </>
    );
  }
  const abstract = text(object, 'abstract');
  return (
    <>
      <p className="answer-head">
        <span className="answer-kind">{t('cases.types.note')}</span>{' '}
        {abstract ? <strong>{abstract}</strong> : null} <TlpBadge level={answer.tlp} />
        {answer.revoked ? (
          <span className="badge badge-off">{t('cases.objects.revoked')}</span>
        ) : null}
      </p>
      <p className="note-text">{text(object, 'content')}</p>
      <p className="small">
        <Origin node={answer.origin} self={self} />
      </p>
    </>
  );
}
