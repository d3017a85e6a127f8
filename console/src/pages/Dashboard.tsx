import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, unwrap } from '../api/client';
import { useSession } from '../api/session';
import { CaseTable } from '../components/CaseTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { Status } from '../components/Words';
import { useI18n } from '../i18n';

const REFRESH_MS = 10_000;

/** The work queue (GET /v1/cases?attention=true) and the counts per journey and status (GET /v1/cases/summary). */
export function Dashboard() {
  const { t, duration } = useI18n();
  const { user } = useSession();
  const queue = useQuery({
    queryKey: ['cases', 'attention'],
    queryFn: () => unwrap(api.GET('/v1/cases', { params: { query: { attention: 'true', limit: 50 } } })),
    refetchInterval: REFRESH_MS,
  });
  const summary = useQuery({
    queryKey: ['cases', 'summary'],
    queryFn: () => unwrap(api.GET('/v1/cases/summary')),
    refetchInterval: REFRESH_MS,
  });
  return (
    <>
      <PageTitle>{t('dashboard.title')}</PageTitle>
      <section aria-labelledby="counts">
        <h2 id="counts">
          {t('dashboard.counts')}
          {summary.data && (
            <span className="pill">{t('dashboard.attentionTotal', { count: summary.data.attentionTotal })}</span>
          )}
        </h2>
        {summary.isError && <ErrorMessage error={summary.error} />}
        {summary.data &&
          (summary.data.states.length === 0 ? (
            <p>{t('dashboard.countsEmpty')}</p>
          ) : (
            <div className="journeys">
              {(['mandate', 'caro', 'consent'] as const).map((journey) => {
                const states = summary.data.states.filter((s) => s.journey === journey);
                if (states.length === 0) return null;
                return (
                  <div key={journey} className="card">
                    <h3>{t(`journey.${journey}`)}</h3>
                    <ul className="counts">
                      {states.map((s) => (
                        <li key={s.status}>
                          <Status status={s.status} /> <strong>{s.count}</strong>
                          <span className="muted">
                            {' '}
                            · {t('dashboard.median', { duration: duration(s.medianTimeInStateMs) })}
                          </span>
                        </li>
                      ))}
                    </ul>
                  </div>
                );
              })}
            </div>
          ))}
      </section>
      <section aria-labelledby="queue">
        <h2 id="queue">{t('dashboard.queue')}</h2>
        {user.role !== 'accountant' && (
          <p>
            <Link href="/replay">{t('dashboard.replay')}</Link>
          </p>
        )}
        {queue.isError && <ErrorMessage error={queue.error} />}
        {queue.data &&
          (queue.data.data.length === 0 ? (
            <p>{t('dashboard.queueEmpty')}</p>
          ) : (
            <CaseTable cases={queue.data.data} caption={t('dashboard.queue')} hideCaption />
          ))}
      </section>
    </>
  );
}
