import { useState, type FormEvent } from 'react';
import { revokeApiKey, useApiKeys, useCreateApiKey, useOffices } from '../api/operators';
import { ActionButton } from '../components/ActionButton';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { SecretOnce } from '../components/SecretOnce';
import { useI18n } from '../i18n';
import { officeName, RoleOfficeFields, type RoleChoice } from './RoleOffice';

const REVOKE = { run: (id: string) => revokeApiKey(id) };

/** API keys (GET /v1/api-keys): the list, a new key whose secret is shown once (POST), revocation (DELETE). */
export function ApiKeysPage() {
  const { t, dateTime } = useI18n();
  const keys = useApiKeys();
  const offices = useOffices();
  const officeList = offices.data?.data ?? [];
  return (
    <>
      <PageTitle>{t('apiKeys.title')}</PageTitle>
      <section aria-labelledby="key-new">
        <h2 id="key-new">{t('apiKeys.create')}</h2>
        <CreateKey />
      </section>
      <section aria-labelledby="key-list">
        <h2 id="key-list">{t('apiKeys.list')}</h2>
        {(keys.error ?? offices.error) && <ErrorMessage error={keys.error ?? offices.error} />}
        {keys.data?.data.length === 0 && <p>{t('apiKeys.none')}</p>}
        {keys.data && keys.data.data.length > 0 && (
          <table className="cases">
            <caption className="visually-hidden">{t('apiKeys.list')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('common.name')}</th>
                <th scope="col">{t('apiKeys.prefix')}</th>
                <th scope="col">{t('common.role')}</th>
                <th scope="col">{t('common.office')}</th>
                <th scope="col">{t('common.created')}</th>
                <th scope="col">{t('apiKeys.state')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td className="mono">{key.prefix}</td>
                  <td>{t(`role.${key.role}`)}</td>
                  <td>{officeName(officeList, key.officeId)}</td>
                  <td>{dateTime(key.createdAt)}</td>
                  <td>
                    {key.revokedAt ? (
                      t('apiKeys.revokedOn', { date: dateTime(key.revokedAt) })
                    ) : (
                      <>
                        {t('apiKeys.live')}{' '}
                        <ActionButton
                          caseId={key.id}
                          label={t('apiKeys.revokeOne', { name: key.name })}
                          action={REVOKE}
                          onOpenChange={() => undefined}
                          onDone={() => undefined}
                        />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function CreateKey() {
  const { t } = useI18n();
  const offices = useOffices();
  const create = useCreateApiKey();
  const [form, setForm] = useState({ name: '', role: 'operator' as RoleChoice, officeId: '' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { name, role, officeId } = form;
    create.mutate(
      { name, role, ...(role === 'accountant' && officeId ? { officeId } : {}) },
      { onSuccess: () => setForm({ ...form, name: '' }) },
    );
  };
  return (
    <form onSubmit={submit} className="stack" aria-labelledby="key-new">
      <label>
        {t('common.name')}
        <input
          required
          maxLength={100}
          value={form.name}
          onChange={(event) => setForm({ ...form, name: event.target.value })}
        />
      </label>
      <RoleOfficeFields
        role={form.role}
        officeId={form.officeId}
        offices={offices.data?.data ?? []}
        hint={t('apiKeys.officeHint')}
        onChange={(next) => setForm({ ...form, ...next })}
      />
      {create.isError && <ErrorMessage error={create.error} />}
      <button type="submit" disabled={create.isPending}>
        {t('common.create')}
      </button>
      {create.isSuccess && (
        <SecretOnce label={t('apiKeys.secret')} warning={t('apiKeys.secretWarning')} value={create.data.key} />
      )}
    </form>
  );
}
