import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../ui/errors';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { Collections } from '../components/taxii-collections';
import { Subscriptions } from '../components/taxii-subscriptions';
import { loadChoices, type Choices } from '../components/taxii-shared';
import '../i18n';

/** TAXII 2.1: the collections this node serves to SOC tools, and the remote ones cases pull. */
export function TaxiiPage() {
  const { t } = useTranslation();
  usePageTitle(t('taxii.title'));
  const { data: choices, error: choicesError } = useLoader<Choices>(loadChoices);

  return (
    <section className="page taxii-page">
      <h1>{t('taxii.title')}</h1>
      <p className="lead">{t('taxii.intro')}</p>
      {choicesError ? <ErrorAlert error={choicesError} /> : null}
      <Collections choices={choices} />
      <Subscriptions choices={choices} />
    </section>
  );
}
