import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { useI18n } from '../i18n';
import { ErrorMessage } from './ErrorMessage';

/** Adds a bank account to the client (POST /v1/clients/:id/bank-accounts; the API derives the bank from the IBAN). */
export function AddBankAccount({ clientId }: { clientId: string }) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const [iban, setIban] = useState('');
  const add = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/v1/clients/{clientId}/bank-accounts', { params: { path: { clientId } }, body: { iban } })),
    async onSuccess() {
      setIban('');
      await queryClient.invalidateQueries({ queryKey: ['client', clientId] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} className="inline" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('client.addAccount')}</h3>
      <label htmlFor={`${id}-iban`}>{t('client.iban')}</label>
      <div className="row">
        <input
          id={`${id}-iban`}
          required
          maxLength={42}
          className="mono"
          value={iban}
          onChange={(event) => {
            add.reset();
            setIban(event.target.value);
          }}
        />
        <button type="submit" disabled={add.isPending}>
          {t('client.addAccountSubmit')}
        </button>
      </div>
      {add.isError && <ErrorMessage error={add.error} />}
      {add.isSuccess && (
        <p role="status" className="done">
          {t('client.accountAdded', { iban: add.data.iban })}
        </p>
      )}
    </form>
  );
}
