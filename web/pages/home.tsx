import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { NodePending } from '../components/node-pending';
import { FEATURES } from '../components/features';
import { countryName, zoneOffset } from '../components/format';
import { useNow, usePageTitle } from '../components/hooks';
import { useSession, useUser, useUserTimeZone } from '../components/session';

function Clock({ label, zone, now }: { label: string; zone: string; now: Date }) {
  const { i18n } = useTranslation();
  const language = i18n.language;
  let time = '';
  let date = '';
  try {
    time = new Intl.DateTimeFormat(language, {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format(now);
    date = new Intl.DateTimeFormat(language, { timeZone: zone, dateStyle: 'full' }).format(now);
  } catch {
    time = now.toISOString();
  }
  const offset = zoneOffset(now, language, zone);
  return (
    <div className="clock">
      <h3 className="clock-label">{label}</h3>
      <p className="clock-time">
        <time dateTime={now.toISOString()}>{time}</time>
      </p>
      <p className="clock-date">{date}</p>
      <p className="clock-zone">
        {zone}
        {offset ? ` (${offset})` : ''}
      </p>
    </div>
  );
}

export function HomePage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const { node } = useSession();
  const userZone = useUserTimeZone();
  const now = useNow();
  usePageTitle(t('nav.home'));
  const info = node.node;

  return (
    <section className="page">
      <h1>{t('home.welcome', { name: user.displayName })}</h1>
      <p className="lead">{t('home.intro')}</p>

      <div className="cards">
        <section className="card" aria-labelledby="home-node">
          <h2 id="home-node">{t('home.nodeTitle')}</h2>
          {!info ? (
            <NodePending node={node} />
          ) : (
            <>
              <dl className="facts">
                <div>
                  <dt>{t('home.nodeName')}</dt>
                  <dd>{info.name}</dd>
                </div>
                <div>
                  <dt>{t('home.nodeId')}</dt>
                  <dd>
                    <code>{info.nodeId}</code>
                  </dd>
                </div>
                <div>
                  <dt>{t('home.country')}</dt>
                  <dd>{countryName(info.country, i18n.language)}</dd>
                </div>
                <div>
                  <dt>{t('home.fingerprint')}</dt>
                  <dd>
                    <code className="fingerprint">{info.fingerprint}</code>
                  </dd>
                </div>
                {info.version ? (
                  <div>
                    <dt>{t('home.version')}</dt>
                    <dd>{info.version}</dd>
                  </div>
                ) : null}
              </dl>
              <p className="muted small">{t('home.fingerprintHint')}</p>
            </>
          )}
        </section>

        <section className="card" aria-labelledby="home-time">
          <h2 id="home-time">{t('home.timeTitle')}</h2>
          <div className="clocks">
            <Clock label={t('home.yourTime')} zone={userZone} now={now} />
            {info ? <Clock label={t('home.nodeTime')} zone={info.timeZone} now={now} /> : null}
          </div>
        </section>
      </div>

      <section className="coming" aria-labelledby="home-coming">
        <h2 id="home-coming">{t('home.comingTitle')}</h2>
        <p className="muted">{t('home.comingIntro')}</p>
        <ul className="coming-list">
          {FEATURES.map((feature) => (
            <li key={feature}>
              <Link to={`/${feature}`}>{t(`nav.${feature}`)}</Link>
              <p>{t(`features.${feature}`)}</p>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
