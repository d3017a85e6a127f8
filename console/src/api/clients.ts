import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';

/** A client (GET /v1/clients/:id), shared by every page about it under one query key. */
export const useClient = (id: string) =>
  useQuery({
    queryKey: ['client', id],
    queryFn: () => unwrap(api.GET('/v1/clients/{id}', { params: { path: { id } } })),
  });

/** A client's bank accounts (GET /v1/clients/:id/bank-accounts), the first 200. */
export const useClientAccounts = (id: string) =>
  useQuery({
    queryKey: ['client', id, 'accounts'],
    queryFn: () =>
      unwrap(
        api.GET('/v1/clients/{clientId}/bank-accounts', { params: { path: { clientId: id }, query: { limit: 200 } } }),
      ),
  });
