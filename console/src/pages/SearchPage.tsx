import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api, unwrap } from '../api/client';
import { CaseTable } from '../components/CaseTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { useI18n } from '../i18n';

/**
 * One search across the three journeys (GET /v1/cases?q=) and the clients (GET /v1/clients?q=, for a client
 * without a case yet): the query is in the address, so it can be shared.
 */
export function SearchPage() {
  const { t } = useI18n();
  const q = new URLSearchParams(useSearch()).get('q')?.trim() ?? '';
  const clients = useQuery({
    queryKey: ['clients', 'search', q],
    enabled: q !== '',
    queryFn: () => unwrap(api.GET('/v1/clients', { params: { query: { q, limit: 20 } } })),
  });
  const results = useInfiniteQuery({
    queryKey: ['cases', 'search', q],
    enabled: q !== '',
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/v1/cases', { params: { query: { q, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const cases = results.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <>
      <PageTitle>{t('search.title')}</PageTitle>
      <SearchForm key={q} q={q} />
      {(results.error ?? clients.error) && <ErrorMessage error={results.error ?? clients.error} />}
      {clients.data && clients.data.data.length > 0 && (
        <section aria-labelledby="found-clients">
          <h2 id="found-clients">{t('search.clients')}</h2>
          <ul className="plain">
            {clients.data.data.map((client) => (
              <li key={client.id}>
                <Link href={`/clients/${client.id}`}>{client.companyName}</Link>{' '}
                <span className="muted mono">
                  {client.clientCode}
                  {client.enterpriseNumber ? ` · ${client.enterpriseNumber}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {q !== '' && results.isSuccess && (
        <section aria-live="polite" aria-labelledby="found-cases">
          <h2 id="found-cases">{t('search.cases')}</h2>
          {cases.length === 0 ? (
            <p>{t('search.none', { q })}</p>
          ) : (
            <CaseTable cases={cases} caption={t('search.results', { count: cases.length })} />
          )}
        </section>
      )}
      {results.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void results.fetchNextPage()}>
          {t('search.more')}
        </button>
      )}
    </>
  );
}

/** Its own component, keyed by the query: a search made from the header starts it afresh with that query. */
function SearchForm({ q }: { q: string }) {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState(q);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/search?q=${encodeURIComponent(draft.trim())}`);
  };
  return (
    <form role="search" onSubmit={submit} className="inline">
      <label htmlFor="search-q">{t('search.label')}</label>
      <div className="row">
        <input id="search-q" type="search" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit">{t('search.submit')}</button>
      </div>
    </form>
  );
}
