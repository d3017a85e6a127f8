import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { paths } from './schema';
import type { Body, Ok } from './types';

// The operators' pages: offices, the outbox, API keys and accounts (every call operators only, but offices).

export type Office = Ok<'/v1/offices/{id}', 'get'>;
export type OutboxItem = Ok<'/v1/outbox', 'get'>['data'][number];
export type OutboxFilter = NonNullable<paths['/v1/outbox']['get']['parameters']['query']>;
export type ApiKey = Ok<'/v1/api-keys', 'get'>['data'][number];
export type Account = Ok<'/v1/users', 'get'>['data'][number];

const byId = (id: string) => ({ params: { path: { id } } });

/** GET /v1/offices: the first 200 (office names for the other pages' choices and columns). */
export const useOffices = () =>
  useQuery({
    queryKey: ['offices'],
    queryFn: () => unwrap(api.GET('/v1/offices', { params: { query: { limit: 200 } } })),
  });

/** GET /v1/offices/:id. */
export const useOffice = (id: string) =>
  useQuery({ queryKey: ['offices', id], queryFn: () => unwrap(api.GET('/v1/offices/{id}', byId(id))) });

/** An office's clients, cases and webhook endpoints (read only), 50 of each. */
export const useOfficeContents = (officeId: string) => ({
  clients: useQuery({
    queryKey: ['clients', 'office', officeId],
    queryFn: () => unwrap(api.GET('/v1/clients', { params: { query: { officeId, limit: 50 } } })),
  }),
  cases: useQuery({
    queryKey: ['cases', 'office', officeId],
    queryFn: () => unwrap(api.GET('/v1/cases', { params: { query: { officeId, limit: 50 } } })),
  }),
  webhooks: useQuery({
    queryKey: ['webhook-endpoints', 'office', officeId],
    queryFn: () => unwrap(api.GET('/v1/webhook-endpoints', { params: { query: { officeId, limit: 50 } } })),
  }),
});

/** A create call whose success refreshes the lists under `key`. */
function useCreate<B, R>(key: string, call: (body: B) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [key] }),
  });
}

/** POST /v1/offices. */
export const useCreateOffice = () =>
  useCreate('offices', (body: Body<'/v1/offices', 'post'>) => unwrap(api.POST('/v1/offices', { body })));

/** GET /v1/outbox with the API's filters, newest first. */
export const useOutbox = (filter: OutboxFilter) =>
  useQuery({
    queryKey: ['outbox', filter],
    queryFn: () => unwrap(api.GET('/v1/outbox', { params: { query: filter } })),
  });

/** GET /v1/outbox/:id, with its HTML part. */
export const useOutboxMessage = (id: string) =>
  useQuery({ queryKey: ['outbox', id], queryFn: () => unwrap(api.GET('/v1/outbox/{id}', byId(id))) });

/** GET /v1/api-keys (never the secrets). */
export const useApiKeys = () => useQuery({ queryKey: ['api-keys'], queryFn: () => unwrap(api.GET('/v1/api-keys')) });

/** POST /v1/api-keys: the answer holds the key, once. */
export const useCreateApiKey = () =>
  useCreate('api-keys', (body: Body<'/v1/api-keys', 'post'>) => unwrap(api.POST('/v1/api-keys', { body })));

/** DELETE /v1/api-keys/:id. */
export const revokeApiKey = (id: string) => unwrap(api.DELETE('/v1/api-keys/{id}', byId(id)));

/** GET /v1/users: the first 200 accounts. */
export const useAccounts = () =>
  useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap(api.GET('/v1/users', { params: { query: { limit: 200 } } })),
  });

/** POST /v1/users: a generated password, when none was given, is in the answer only. */
export const useCreateAccount = () =>
  useCreate('users', (body: Body<'/v1/users', 'post'>) => unwrap(api.POST('/v1/users', { body })));

/** PATCH /v1/users/:id. */
export const updateAccount = (id: string, body: Body<'/v1/users/{id}', 'patch'>) =>
  unwrap(api.PATCH('/v1/users/{id}', { ...byId(id), body }));
