import { Link, useParams } from 'wouter';
import { ApiProblem } from '../api/client';
import { useOffice, useOfficeContents } from '../api/operators';
import { CaseTable } from '../components/CaseTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { useI18n } from '../i18n';
import { NotFound } from './NotFound';

/**
 * An office (GET /v1/offices/:id): its facts, its clients (GET /v1/clients?officeId=), its cases
 * (GET /v1/cases?officeId=) and its webhook endpoints, read only (GET /v1/webhook-endpoints?officeId=).
 */
export function OfficePage() {
  const { id } = useParams<{ id: string }>();
  const { t, tOr, dateTime } = useI18n();
  const office = useOffice(id);
  const { clients, cases, webhooks } = useOfficeContents(id);
  if (office.error instanceof ApiProblem && (office.error.status === 404 || office.error.status === 400))
    return <NotFound />;
  return (
    <>
      <PageTitle>{office.data?.name ?? t('office.title')}</PageTitle>
      {office.isError && <ErrorMessage error={office.error} />}
      <div className="columns">
        <section aria-labelledby="office-facts">
          <h2 id="office-facts">{t('office.facts')}</h2>
          {office.data && (
            <dl className="facts">
              <dt>{t('common.language')}</dt>
              <dd>{tOr(`language.${office.data.language}`, office.data.language)}</dd>
              <dt>{t('offices.contactEmail')}</dt>
              <dd>{office.data.contactEmail}</dd>
              <dt>{t('common.created')}</dt>
              <dd>{dateTime(office.data.createdAt)}</dd>
              <dt>{t('office.id')}</dt>
              <dd className="mono">{office.data.id}</dd>
            </dl>
          )}
        </section>
        <section aria-labelledby="office-clients">
          <h2 id="office-clients">{t('office.clients')}</h2>
          {clients.isError && <ErrorMessage error={clients.error} />}
          {clients.data?.data.length === 0 && <p>{t('office.clientsNone')}</p>}
          <ul className="plain">
            {clients.data?.data.map((client) => (
              <li key={client.id}>
                <Link href={`/clients/${client.id}`}>{client.companyName}</Link>{' '}
                <span className="muted mono">{client.clientCode}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section aria-labelledby="office-cases">
        <h2 id="office-cases">{t('office.cases')}</h2>
        {cases.isError && <ErrorMessage error={cases.error} />}
        {cases.data?.data.length === 0 && <p>{t('office.casesNone')}</p>}
        {cases.data && cases.data.data.length > 0 && (
          <CaseTable cases={cases.data.data} caption={t('office.cases')} hideCaption />
        )}
      </section>
      <section aria-labelledby="office-webhooks">
        <h2 id="office-webhooks">{t('office.webhooks')}</h2>
        {webhooks.isError && <ErrorMessage error={webhooks.error} />}
        {webhooks.data?.data.length === 0 && <p>{t('office.webhooksNone')}</p>}
        <ul className="plain">
          {webhooks.data?.data.map((endpoint) => (
            <li key={endpoint.id}>
              <span className="mono">{endpoint.url}</span>{' '}
              <span className="muted">
                {endpoint.enabled ? t('office.webhookEnabled') : t('office.webhookDisabled')}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
