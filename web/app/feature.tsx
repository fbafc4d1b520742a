import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Feature } from './features';
import { usePageTitle } from '../ui/hooks';

/** A part of Liaison that is not built yet: says so plainly, shows no made-up data. */
export function FeaturePage({ feature }: { feature: Feature }) {
  const { t } = useTranslation();
  const title = t(`nav.${feature}`);
  usePageTitle(title);
  return (
    <section className="page">
      <h1>{title}</h1>
      <div className="notice" role="note">
        <p>{t('features.notAvailable')}</p>
      </div>
      <h2>{t('features.whatItWillDo')}</h2>
      <p className="lead">{t(`features.${feature}`)}</p>
      <p>
        <Link to="/">{t('features.backHome')}</Link>
      </p>
    </section>
  );
}
