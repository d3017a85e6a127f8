import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useLocation, useParams } from 'wouter';
import { api, unwrap } from '../api/client';
import { useClient, useClientAccounts } from '../api/clients';
import type { Body } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { useI18n, type ContentLanguage } from '../i18n';
import { LanguageOptions } from '../components/LanguageOptions';
import { AccountChoice } from '../components/AccountChoice';

type Connection = Body<'/v1/connections', 'post'>;

/**
 * A PSD2 bank connection of the client (POST /v1/connections): the accounts its consent covers, the owner the
 * reminders go to, the consent's deadline; its consent-renewal case opens once it is registered.
 */
export function AddConnection() {
  const { id } = useParams<{ id: string }>();
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const client = useClient(id);
  const accounts = useClientAccounts(id);
  const [chosen, setChosen] = useState<string[]>([]);
  const [missing, setMissing] = useState(false);
  const [form, setForm] = useState({ provider: 'ponto', validUntil: '' });
  // The client's address and language until someone chooses others (an emptied address is sent as none).
  const [email, setEmail] = useState<string | undefined>();
  const [language, setLanguage] = useState<ContentLanguage | undefined>();
  const ownerEmail = email ?? client.data?.email ?? '';
  const ownerLanguage = language ?? client.data?.language ?? 'en';
  const add = useMutation({
    mutationFn: (body: Connection) => unwrap(api.POST('/v1/connections', { body })),
    async onSuccess(created) {
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
      navigate(`/cases/consent/${created.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(chosen.length === 0);
    if (chosen.length === 0 || !client.data) return;
    add.mutate({
      officeId: client.data.officeId,
      clientId: id,
      provider: form.provider.trim(),
      ownerLanguage,
      ibans: chosen,
      validUntil: new Date(form.validUntil).toISOString(),
      ...(ownerEmail.trim() ? { ownerEmail: ownerEmail.trim() } : {}),
    });
  };
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });
  return (
    <>
      <PageTitle>{t('connection.new.title', { client: client.data?.companyName ?? '…' })}</PageTitle>
      {(client.error ?? accounts.error) && <ErrorMessage error={client.error ?? accounts.error} />}
      <form onSubmit={submit} className="stack">
        <label>
          {t('connection.new.provider')}
          <input required maxLength={100} {...field('provider')} />
        </label>
        <AccountChoice
          legend="connection.new.ibans"
          none="connection.new.noAccounts"
          accounts={accounts.data?.data}
          valueOf={(account) => account.iban}
          chosen={chosen}
          onChange={setChosen}
          missing={missing}
        />
        <label>
          {t('connection.new.ownerEmail')}
          <input type="email" value={ownerEmail} onChange={(event) => setEmail(event.target.value)} />
        </label>
        <label>
          {t('connection.new.ownerLanguage')}
          <select value={ownerLanguage} onChange={(event) => setLanguage(event.target.value as ContentLanguage)}>
            <LanguageOptions />
          </select>
        </label>
        <label>
          {t('connection.new.validUntil')}
          <input required type="datetime-local" {...field('validUntil')} />
        </label>
        {add.isError && <ErrorMessage error={add.error} />}
        <button type="submit" disabled={add.isPending || !client.data}>
          {t('connection.new.submit')}
        </button>
      </form>
    </>
  );
}
