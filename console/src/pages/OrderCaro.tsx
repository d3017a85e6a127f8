import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { api, unwrap } from '../api/client';
import { useClient, useClientAccounts } from '../api/clients';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { Status } from '../components/Words';
import { useI18n, type ContentLanguage } from '../i18n';
import { LanguageOptions } from '../components/LanguageOptions';

/**
 * Order a CARO card activation (POST /v1/caro-orders) for one of the client's accounts; the pre-order
 * warning (GET /v1/clients/:id/caro-preorder-warning) to send the cardholder first, ready to copy.
 */
export function OrderCaro() {
  const { id } = useParams<{ id: string }>();
  const { t, language: uiLanguage } = useI18n();
  const [form, setForm] = useState({ bankAccountId: '', clientReference: '', cardholderEmail: '' });
  const [language, setLanguage] = useState<ContentLanguage>(uiLanguage);
  const [copied, setCopied] = useState(false);
  const copyWarning = async (text: string) => {
    await navigator.clipboard.writeText(text);
    setCopied(true);
  };
  const client = useClient(id);
  const accounts = useClientAccounts(id);
  const warning = useQuery({
    queryKey: ['client', id, 'caro-warning', language],
    queryFn: () =>
      unwrap(api.GET('/v1/clients/{id}/caro-preorder-warning', { params: { path: { id }, query: { language } } })),
  });
  const order = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/caro-orders', {
          body: { orders: [{ clientId: id, ...form, cardholderLanguage: language }] },
        }),
      ),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    order.mutate();
  };
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });
  return (
    <>
      <PageTitle>{t('order.caro.title', { client: client.data?.companyName ?? '…' })}</PageTitle>
      {(client.error ?? accounts.error) && <ErrorMessage error={client.error ?? accounts.error} />}
      <div className="columns">
        <form onSubmit={submit} className="stack">
          <label>
            {t('order.caro.account')}
            <select required {...field('bankAccountId')}>
              <option value="">—</option>
              {accounts.data?.data.map((account) => (
                <option key={account.id} value={account.id}>
                  {account.iban} ({account.bankName})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('order.caro.reference')}
            <input required maxLength={64} {...field('clientReference')} />
          </label>
          <label>
            {t('order.caro.email')}
            <input required type="email" {...field('cardholderEmail')} />
          </label>
          <label>
            {t('order.caro.language')}
            <select value={language} onChange={(event) => setLanguage(event.target.value as ContentLanguage)}>
              <LanguageOptions />
            </select>
          </label>
          {order.isError && <ErrorMessage error={order.error} />}
          <button type="submit" disabled={order.isPending}>
            {t('order.caro.submit')}
          </button>
          {order.isSuccess && (
            <div role="status" className="done">
              <p>{t('order.caro.done')}</p>
              <ul>
                {order.data.data.map((created) => (
                  <li key={created.id}>
                    <Link href={`/cases/caro/${created.id}`} className="mono">
                      {created.clientReference}
                    </Link>{' '}
                    <Status status={created.status} />
                  </li>
                ))}
              </ul>
            </div>
          )}
        </form>
        <section aria-labelledby="warning">
          <h2 id="warning">{t('order.caro.warning')}</h2>
          {warning.data && (
            <>
              <p>
                <strong>{warning.data.subject}</strong>
              </p>
              <textarea readOnly rows={12} value={warning.data.text} aria-labelledby="warning" />
              <p className="row">
                <button type="button" className="secondary" onClick={() => void copyWarning(warning.data.text)}>
                  {t('case.copy')}
                </button>
                {copied && <span role="status">{t('order.caro.copied')}</span>}
              </p>
            </>
          )}
        </section>
      </div>
    </>
  );
}
