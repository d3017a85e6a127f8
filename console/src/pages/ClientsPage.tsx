import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useLocation, useSearch } from 'wouter';
import { api, unwrap } from '../api/client';
import { useSession } from '../api/session';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { useI18n } from '../i18n';

/**
 * The clients (GET /v1/clients), an accountant's office's or every office's for the back office; "missing e-mail"
 * (`missingEmail=true`, kept in the address) shows only those no reminder can reach.
 */
export function ClientsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const [, navigate] = useLocation();
  const missingEmail = new URLSearchParams(useSearch()).get('missingEmail') === 'true';
  const clients = useInfiniteQuery({
    queryKey: ['clients', 'list', missingEmail],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/v1/clients', {
          params: {
            query: {
              limit: 100,
              ...(missingEmail ? { missingEmail: 'true' as const } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = clients.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <>
      <PageTitle>{t('clients.title')}</PageTitle>
      <div className="row">
        <label className="check">
          <input
            type="checkbox"
            checked={missingEmail}
            onChange={(event) => navigate(event.target.checked ? '/clients?missingEmail=true' : '/clients')}
          />
          {t('clients.missingEmailOnly')}
        </label>
        {user.role !== 'support' && (
          <Link className="button" href="/clients/new">
            {t('clients.new')}
          </Link>
        )}
      </div>
      {clients.isError && <ErrorMessage error={clients.error} />}
      {clients.isSuccess && rows.length === 0 && <p>{missingEmail ? t('clients.noneMissing') : t('clients.none')}</p>}
      {rows.length > 0 && (
        <table className="cases" aria-live="polite">
          <caption className="visually-hidden">{t('clients.caption', { count: rows.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('client.companyName')}</th>
              <th scope="col">{t('client.clientCode')}</th>
              <th scope="col">{t('client.enterpriseNumber')}</th>
              <th scope="col">{t('client.email')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((client) => (
              <tr key={client.id}>
                <td>
                  <Link href={`/clients/${client.id}`}>{client.companyName}</Link>
                </td>
                <td className="mono">{client.clientCode}</td>
                <td className="mono">{client.enterpriseNumber ?? t('client.none')}</td>
                <td>{client.email ?? <strong className="warning">{t('clients.missing')}</strong>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {clients.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void clients.fetchNextPage()}>
          {t('search.more')}
        </button>
      )}
    </>
  );
}
