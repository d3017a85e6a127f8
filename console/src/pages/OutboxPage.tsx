import { Link, useLocation, useSearch } from 'wouter';
import { useOutbox, type OutboxFilter, type OutboxItem } from '../api/operators';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { useI18n } from '../i18n';

const STATUSES = ['queued', 'sent', 'rejected', 'failed'] as const satisfies readonly NonNullable<
  OutboxFilter['status']
>[];
const CASE_TYPES = ['mandate', 'caro', 'connection'] as const satisfies readonly NonNullable<
  OutboxFilter['caseType']
>[];
const JOURNEY_OF = { mandate: 'mandate', caro: 'caro', connection: 'consent' } as const;

/** The console's page of a message's case (the outbox names a consent's case `connection`). */
export const caseHref = (message: Pick<OutboxItem, 'caseType' | 'caseId'>) =>
  message.caseType && message.caseId ? `/cases/${JOURNEY_OF[message.caseType]}/${message.caseId}` : undefined;

const pick = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.find((v) => v === value);

/** The outbox (GET /v1/outbox): e-mails newest first, filtered by status and journey (kept in the address). */
export function OutboxPage() {
  const { t, tOr, dateTime } = useI18n();
  const params = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const cursor = params.get('cursor') ?? undefined;
  const filter: OutboxFilter = {
    limit: 50,
    ...(pick(STATUSES, params.get('status')) ? { status: pick(STATUSES, params.get('status')) } : {}),
    ...(pick(CASE_TYPES, params.get('caseType')) ? { caseType: pick(CASE_TYPES, params.get('caseType')) } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const outbox = useOutbox(filter);
  const choose = (name: 'status' | 'caseType', value: string) => {
    const next = new URLSearchParams(params);
    next.delete('cursor');
    if (value) next.set(name, value);
    else next.delete(name);
    navigate(`/outbox${next.size ? `?${next.toString()}` : ''}`);
  };
  const nextPage = () => {
    const next = new URLSearchParams(params);
    next.set('cursor', outbox.data?.nextCursor ?? '');
    navigate(`/outbox?${next.toString()}`);
  };
  return (
    <>
      <PageTitle>{t('outbox.title')}</PageTitle>
      <form className="inline" aria-label={t('outbox.filters')} onSubmit={(event) => event.preventDefault()}>
        <div className="row">
          <label>
            {t('outbox.status')}
            <select value={filter.status ?? ''} onChange={(event) => choose('status', event.target.value)}>
              <option value="">{t('common.all')}</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`timeline.emailStatus.${status}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('outbox.caseType')}
            <select value={filter.caseType ?? ''} onChange={(event) => choose('caseType', event.target.value)}>
              <option value="">{t('common.all')}</option>
              {CASE_TYPES.map((caseType) => (
                <option key={caseType} value={caseType}>
                  {t(`outbox.caseType.${caseType}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </form>
      <section aria-labelledby="outbox-list">
        <h2 id="outbox-list" className="visually-hidden">
          {t('outbox.title')}
        </h2>
        {outbox.isError && <ErrorMessage error={outbox.error} />}
        {outbox.data?.data.length === 0 && <p>{t('outbox.none')}</p>}
        {outbox.data && outbox.data.data.length > 0 && (
          <table className="cases">
            <caption className="visually-hidden">{t('outbox.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('outbox.subject')}</th>
                <th scope="col">{t('outbox.template')}</th>
                <th scope="col">{t('outbox.status')}</th>
                <th scope="col">{t('outbox.case')}</th>
                <th scope="col">{t('outbox.createdAt')}</th>
                <th scope="col">{t('outbox.sentAt')}</th>
              </tr>
            </thead>
            <tbody>
              {outbox.data.data.map((message) => {
                const href = caseHref(message);
                return (
                  <tr key={message.id}>
                    <td>
                      <Link href={`/outbox/${message.id}`}>{message.subject}</Link>
                    </td>
                    <td>
                      {tOr(`template.${message.template}`, message.template)}{' '}
                      <span className="muted">({message.language})</span>
                    </td>
                    <td>
                      <span className={`status status-email-${message.status}`}>
                        {t(`timeline.emailStatus.${message.status}`)}
                      </span>
                      {message.error && <span className="muted"> {message.error}</span>}
                    </td>
                    <td>
                      {href && message.caseType ? (
                        <Link href={href}>{t(`outbox.caseType.${message.caseType}`)}</Link>
                      ) : (
                        t('common.none')
                      )}
                    </td>
                    <td>{dateTime(message.createdAt)}</td>
                    <td>{message.sentAt ? dateTime(message.sentAt) : t('common.none')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {outbox.data?.nextCursor && (
          <button type="button" className="secondary" onClick={nextPage}>
            {t('common.more')}
          </button>
        )}
      </section>
    </>
  );
}
