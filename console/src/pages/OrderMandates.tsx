import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import { api, unwrap } from '../api/client';
import { useClient, useClientAccounts } from '../api/clients';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { Status } from '../components/Words';
import { useI18n } from '../i18n';
import { AccountChoice } from '../components/AccountChoice';

type Mode = 'office' | 'service';

/** Order mandates for some of a client's accounts (POST /v1/mandates), presented by the office or e-mailed by the service. */
export function OrderMandates() {
  const { id } = useParams<{ id: string }>();
  const { t } = useI18n();
  const client = useClient(id);
  const accounts = useClientAccounts(id);
  const [chosen, setChosen] = useState<string[]>([]);
  const [mode, setMode] = useState<Mode>('service');
  const [missing, setMissing] = useState(false);
  const order = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/mandates', { body: { bankAccountIds: chosen, managementMode: mode } })),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(chosen.length === 0);
    if (chosen.length > 0) order.mutate();
  };
  return (
    <>
      <PageTitle>{t('order.mandate.title', { client: client.data?.companyName ?? '…' })}</PageTitle>
      {(client.error ?? accounts.error) && <ErrorMessage error={client.error ?? accounts.error} />}
      <form onSubmit={submit} className="stack">
        <AccountChoice
          legend="order.mandate.accounts"
          none="client.accountsNone"
          accounts={accounts.data?.data}
          valueOf={(account) => account.id}
          chosen={chosen}
          onChange={setChosen}
          missing={missing}
        />
        <fieldset>
          <legend>{t('order.mandate.mode')}</legend>
          {(['service', 'office'] as const).map((value) => (
            <label key={value} className="check">
              <input type="radio" name="mode" checked={mode === value} onChange={() => setMode(value)} />
              {t(`order.mandate.mode.${value}`)}
            </label>
          ))}
        </fieldset>
        {order.isError && <ErrorMessage error={order.error} />}
        <button type="submit" disabled={order.isPending}>
          {t('order.mandate.submit')}
        </button>
      </form>
      {order.isSuccess && (
        <div role="status" className="done">
          <p>{t('order.mandate.done', { count: order.data.data.length })}</p>
          <ul>
            {order.data.data.map(({ mandate }) => (
              <li key={mandate.id}>
                <Link href={`/cases/mandate/${mandate.id}`} className="mono">
                  {mandate.iban}
                </Link>{' '}
                <Status status={mandate.status} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
