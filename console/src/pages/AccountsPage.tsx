import { useState, type FormEvent } from 'react';
import type { ActionDef } from '../api/actions';
import { updateAccount, useAccounts, useCreateAccount, useOffices, type Account } from '../api/operators';
import { useSession } from '../api/session';
import { ActionButton } from '../components/ActionButton';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { SecretOnce } from '../components/SecretOnce';
import { LANGUAGES, useI18n, type Language } from '../i18n';
import { officeName, RoleOfficeFields, type RoleChoice } from './RoleOffice';
import { LanguageOptions } from '../components/LanguageOptions';

// Each change to an account is a PATCH /v1/users/:id behind a confirmation.
const DISABLE: ActionDef = { run: (id) => updateAccount(id, { disabled: true }) };
const ENABLE: ActionDef = { run: (id) => updateAccount(id, { disabled: false }) };
const RESET: ActionDef = {
  fields: [{ name: 'password', kind: 'password', label: 'accounts.newPassword' }],
  run: (id, values) => updateAccount(id, { password: values.password ?? '' }),
};

/** People's accounts (GET /v1/users): the list, a new account (POST), disable/enable and a new password (PATCH). */
export function AccountsPage() {
  const { t } = useI18n();
  const accounts = useAccounts();
  const offices = useOffices();
  return (
    <>
      <PageTitle>{t('accounts.title')}</PageTitle>
      <section aria-labelledby="account-list">
        <h2 id="account-list">{t('accounts.list')}</h2>
        {(accounts.error ?? offices.error) && <ErrorMessage error={accounts.error ?? offices.error} />}
        {accounts.data?.data.length === 0 && <p>{t('accounts.none')}</p>}
        {accounts.data && accounts.data.data.length > 0 && (
          <AccountTable accounts={accounts.data.data} offices={offices.data?.data} />
        )}
      </section>
      <section aria-labelledby="account-new">
        <h2 id="account-new">{t('accounts.create')}</h2>
        <CreateAccount />
      </section>
    </>
  );
}

function AccountTable({
  accounts,
  offices,
}: {
  accounts: readonly Account[];
  offices: Parameters<typeof officeName>[0];
}) {
  const { t, date } = useI18n();
  const { user } = useSession();
  const [done, setDone] = useState<string>();
  return (
    <>
      {done && (
        <p role="status" className="done">
          {t('action.done', { action: done })}
        </p>
      )}
      <table className="cases">
        <caption className="visually-hidden">{t('accounts.list')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('common.email')}</th>
            <th scope="col">{t('common.role')}</th>
            <th scope="col">{t('common.office')}</th>
            <th scope="col">{t('accounts.state')}</th>
            <th scope="col">{t('accounts.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => {
            const own = account.id === user.id;
            const toggle = account.disabledAt
              ? { label: t('accounts.enable', { name: account.name }), action: ENABLE }
              : { label: t('accounts.disable', { name: account.name }), action: DISABLE };
            const reset = t('accounts.resetPassword', { name: account.name });
            return (
              <tr key={account.id}>
                <td>
                  {account.name} {own && <span className="muted">{t('accounts.you')}</span>}
                </td>
                <td>{account.email}</td>
                <td>{t(`role.${account.role}`)}</td>
                <td>{officeName(offices, account.officeId)}</td>
                <td>
                  {account.disabledAt
                    ? t('accounts.disabledOn', { date: date(account.disabledAt) })
                    : t('accounts.enabled')}
                </td>
                <td>
                  <div className="actions">
                    {!own && (
                      <ActionButton
                        caseId={account.id}
                        label={toggle.label}
                        action={toggle.action}
                        onOpenChange={() => undefined}
                        onDone={() => setDone(toggle.label)}
                      />
                    )}
                    <ActionButton
                      caseId={account.id}
                      label={reset}
                      action={RESET}
                      onOpenChange={() => undefined}
                      onDone={() => setDone(reset)}
                    />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function CreateAccount() {
  const { t } = useI18n();
  const offices = useOffices();
  const create = useCreateAccount();
  const empty = { name: '', email: '', password: '' };
  const [form, setForm] = useState({
    ...empty,
    role: 'accountant' as RoleChoice,
    officeId: '',
    language: 'fr' as Language,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { password, officeId, ...rest } = form;
    create.mutate(
      { ...rest, ...(password ? { password } : {}), ...(form.role === 'accountant' && officeId ? { officeId } : {}) },
      { onSuccess: () => setForm({ ...form, ...empty }) },
    );
  };
  const text = (name: keyof typeof empty) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });
  return (
    <form onSubmit={submit} className="stack" aria-labelledby="account-new">
      <label>
        {t('common.name')}
        <input required maxLength={100} {...text('name')} />
      </label>
      <label>
        {t('common.email')}
        <input required type="email" autoComplete="off" {...text('email')} />
      </label>
      <RoleOfficeFields
        role={form.role}
        officeId={form.officeId}
        offices={offices.data?.data ?? []}
        hint={t('accounts.officeHint')}
        onChange={(next) => setForm({ ...form, ...next })}
      />
      <label>
        {t('common.language')}
        <select
          value={form.language}
          onChange={(event) => setForm({ ...form, language: event.target.value as Language })}
        >
          <LanguageOptions languages={LANGUAGES} />
        </select>
      </label>
      <label>
        {t('accounts.password')}
        <input type="password" autoComplete="new-password" minLength={12} {...text('password')} />
      </label>
      {create.isError && <ErrorMessage error={create.error} />}
      <button type="submit" disabled={create.isPending}>
        {t('common.create')}
      </button>
      {create.isSuccess && (
        <>
          <p role="status" className="done">
            {t('accounts.created', { name: create.data.name })}
          </p>
          {create.data.password && (
            <SecretOnce label={t('signIn.password')} warning={t('accounts.generated')} value={create.data.password} />
          )}
        </>
      )}
    </form>
  );
}
