import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { api, ApiProblem, unwrap } from '../api/client';
import { useClient, useClientAccounts } from '../api/clients';
import { useSession } from '../api/session';
import type { Body, Ok } from '../api/types';
import { AddBankAccount } from '../components/AddBankAccount';
import { CaseTable } from '../components/CaseTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { Status } from '../components/Words';
import { useI18n, type ContentLanguage } from '../i18n';
import { NotFound } from './NotFound';
import { LanguageOptions } from '../components/LanguageOptions';

type Client = Ok<'/v1/clients/{id}', 'get'>;

/**
 * A client: details and the edit form (PATCH /v1/clients/:id), its bank accounts (and a form to add one), its cases
 * across the journeys, each named by what it is about (a mandate's or a connection's IBAN, a card reference).
 */
export function ClientPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useI18n();
  const { user } = useSession();
  const client = useClient(id);
  const accounts = useClientAccounts(id);
  const cases = useQuery({
    queryKey: ['cases', 'client', id],
    queryFn: () => unwrap(api.GET('/v1/cases', { params: { query: { clientId: id, limit: 200 } } })),
  });
  // What each case is about: a mandate's IBAN, a CARO order's card reference.
  const mandates = useQuery({
    queryKey: ['client', id, 'mandates'],
    queryFn: () => unwrap(api.GET('/v1/mandates', { params: { query: { clientId: id, limit: 200 } } })),
  });
  const caroOrders = useQuery({
    queryKey: ['client', id, 'caro-orders'],
    queryFn: () => unwrap(api.GET('/v1/caro-orders', { params: { query: { clientId: id, limit: 200 } } })),
  });
  const connections = useQuery({
    queryKey: ['client', id, 'connections'],
    queryFn: () => unwrap(api.GET('/v1/connections', { params: { query: { clientId: id, limit: 200 } } })),
  });
  const subjects = new Map<string, string>([
    ...(mandates.data?.data ?? []).map((m) => [m.id, m.iban] as const),
    ...(caroOrders.data?.data ?? []).map((o) => [o.id, o.clientReference] as const),
    ...(connections.data?.data ?? []).map((c) => [c.id, c.ibans.join(', ')] as const),
  ]);
  if (client.error instanceof ApiProblem && (client.error.status === 404 || client.error.status === 400))
    return <NotFound />;
  const editor = user.role !== 'support';
  return (
    <>
      <PageTitle>{client.data?.companyName ?? t('client.title')}</PageTitle>
      {client.isError && <ErrorMessage error={client.error} />}
      {editor && client.data && (
        <p className="actions">
          <Link className="button" href={`/clients/${id}/mandates/new`}>
            {t('client.orderMandate')}
          </Link>
          <Link className="button" href={`/clients/${id}/caro-orders/new`}>
            {t('client.orderCaro')}
          </Link>
          <Link className="button" href={`/clients/${id}/connections/new`}>
            {t('client.addConnection')}
          </Link>
        </p>
      )}
      <div className="columns">
        <section aria-labelledby="details">
          <h2 id="details">{t('client.details')}</h2>
          {client.data && (editor ? <EditClient client={client.data} /> : <Details client={client.data} />)}
        </section>
        <section aria-labelledby="accounts">
          <h2 id="accounts">{t('client.accounts')}</h2>
          {accounts.isError && <ErrorMessage error={accounts.error} />}
          {accounts.data &&
            (accounts.data.data.length === 0 ? (
              <p>{t('client.accountsNone')}</p>
            ) : (
              <ul className="plain">
                {accounts.data.data.map((account) => (
                  <li key={account.id}>
                    <span className="mono">{account.iban}</span> <span className="muted">{account.bankName}</span>
                  </li>
                ))}
              </ul>
            ))}
          {editor && client.data && <AddBankAccount clientId={id} />}
        </section>
      </div>
      <section aria-labelledby="client-cases">
        <h2 id="client-cases">{t('client.cases')}</h2>
        {cases.isError && <ErrorMessage error={cases.error} />}
        {cases.data &&
          (cases.data.data.length === 0 ? (
            <p>{t('client.casesNone')}</p>
          ) : (
            <CaseTable
              cases={cases.data.data}
              caption={t('client.cases')}
              hideCaption
              subject={(item) => subjects.get(item.caseId)}
            />
          ))}
      </section>
    </>
  );
}

function Details({ client }: { client: Client }) {
  const { t } = useI18n();
  const none = t('client.none');
  return (
    <dl className="facts">
      <dt>{t('client.companyName')}</dt>
      <dd>{client.companyName}</dd>
      <dt>{t('client.enterpriseNumber')}</dt>
      <dd className="mono">{client.enterpriseNumber ?? none}</dd>
      <dt>{t('client.clientCode')}</dt>
      <dd className="mono">{client.clientCode}</dd>
      <dt>{t('client.email')}</dt>
      <dd>{client.email ?? none}</dd>
      <dt>{t('client.language')}</dt>
      <dd>{t(`language.${client.language}`)}</dd>
    </dl>
  );
}

type Patch = Body<'/v1/clients/{id}', 'patch'>;

function EditClient({ client }: { client: Client }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    companyName: client.companyName,
    enterpriseNumber: client.enterpriseNumber ?? '',
    clientCode: client.clientCode,
    email: client.email ?? '',
    language: client.language as ContentLanguage,
  });
  const changes = (): Patch => {
    const body: Record<string, unknown> = {};
    if (form.companyName !== client.companyName) body.companyName = form.companyName;
    if (form.enterpriseNumber !== (client.enterpriseNumber ?? '') && form.enterpriseNumber !== '')
      body.enterpriseNumber = form.enterpriseNumber;
    if (form.clientCode !== client.clientCode) body.clientCode = form.clientCode;
    if (form.email !== (client.email ?? '')) body.email = form.email === '' ? null : form.email;
    if (form.language !== client.language) body.language = form.language;
    return body as Patch;
  };
  const impact = useQuery({
    queryKey: ['client', client.id, 'edit-impact'],
    queryFn: () => unwrap(api.GET('/v1/clients/{id}/edit-impact', { params: { path: { id: client.id } } })),
  });
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/v1/clients/{id}', { params: { path: { id: client.id } }, body: changes() })),
    async onSuccess() {
      await queryClient.invalidateQueries();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => {
      save.reset();
      setForm({ ...form, [name]: event.target.value });
    },
  });
  const locked = client.enterpriseNumber !== null;
  // The company name is locked while the enterprise number is empty (the API refuses it: company_name_locked).
  const nameLocked = client.enterpriseNumber === null;
  const dirty = Object.keys(changes() ?? {}).length > 0;
  return (
    <form onSubmit={submit} className="stack" aria-label={t('client.edit')}>
      <label>
        {t('client.companyName')}
        <input
          required
          {...field('companyName')}
          readOnly={nameLocked}
          aria-describedby={nameLocked ? 'name-locked' : undefined}
        />
        {nameLocked && (
          <span id="name-locked" className="hint">
            {t('client.companyLocked')}
          </span>
        )}
      </label>
      <label>
        {t('client.enterpriseNumber')}
        <input {...field('enterpriseNumber')} readOnly={locked} aria-describedby={locked ? 'en-locked' : undefined} />
        {locked && (
          <span id="en-locked" className="hint">
            {t('client.enterpriseLocked')}
          </span>
        )}
      </label>
      <label>
        {t('client.clientCode')}
        <input required {...field('clientCode')} />
      </label>
      <label>
        {t('client.email')}
        <input type="email" {...field('email')} />
      </label>
      <label>
        {t('client.language')}
        <select {...field('language')}>
          <LanguageOptions />
        </select>
      </label>
      {dirty && impact.data && impact.data.mandates.length > 0 && (
        <div className="notice" role="status">
          <p>{t('client.willPresentAgain')}</p>
          <ul>
            {impact.data.mandates.map((m) => (
              <li key={m.id}>
                <span className="mono">{m.iban}</span> <Status status={m.status} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {save.isError && <ErrorMessage error={save.error} />}
      <button type="submit" disabled={save.isPending}>
        {t('client.save')}
      </button>
      {save.isSuccess && (
        <div role="status" className="done">
          <p>{t('client.saved')}</p>
          {save.data.warnings.map((warning) => (
            <p key={warning.code} className="warning">
              {warning.message}
            </p>
          ))}
          {save.data.impact.mandates.length > 0 && (
            <>
              <p>{t('client.presentedAgain')}</p>
              <ul>
                {save.data.impact.mandates.map((m) => (
                  <li key={m.id}>
                    <Link href={`/cases/mandate/${m.id}`} className="mono">
                      {m.iban}
                    </Link>{' '}
                    <Status status={m.status} /> {!m.presentedAgain && t('client.presentedAgainFailed')}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </form>
  );
}
