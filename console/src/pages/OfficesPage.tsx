import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { useCreateOffice, useOffices } from '../api/operators';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { useI18n, type ContentLanguage } from '../i18n';
import { LanguageOptions } from '../components/LanguageOptions';

/** Offices (operators): the list (GET /v1/offices) and the form that creates one (POST /v1/offices). */
export function OfficesPage() {
  const { t, date, tOr } = useI18n();
  const offices = useOffices();
  return (
    <>
      <PageTitle>{t('offices.title')}</PageTitle>
      <section aria-labelledby="office-list">
        <h2 id="office-list">{t('offices.list')}</h2>
        {offices.isError && <ErrorMessage error={offices.error} />}
        {offices.data?.data.length === 0 && <p>{t('offices.none')}</p>}
        {offices.data && offices.data.data.length > 0 && (
          <table className="cases">
            <caption className="visually-hidden">{t('offices.list')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('common.name')}</th>
                <th scope="col">{t('common.language')}</th>
                <th scope="col">{t('offices.contactEmail')}</th>
                <th scope="col">{t('common.created')}</th>
              </tr>
            </thead>
            <tbody>
              {offices.data.data.map((office) => (
                <tr key={office.id}>
                  <td>
                    <Link href={`/offices/${office.id}`}>{office.name}</Link>
                  </td>
                  <td>{tOr(`language.${office.language}`, office.language)}</td>
                  <td>{office.contactEmail}</td>
                  <td>{date(office.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="office-new">
        <h2 id="office-new">{t('offices.create')}</h2>
        <CreateOffice />
      </section>
    </>
  );
}

function CreateOffice() {
  const { t } = useI18n();
  const create = useCreateOffice();
  const [form, setForm] = useState({ name: '', language: 'fr' as ContentLanguage, contactEmail: '' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form, { onSuccess: () => setForm({ name: '', language: form.language, contactEmail: '' }) });
  };
  return (
    <form onSubmit={submit} className="stack" aria-labelledby="office-new">
      <label>
        {t('common.name')}
        <input required value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />
      </label>
      <label>
        {t('common.language')}
        <select
          value={form.language}
          onChange={(event) => setForm({ ...form, language: event.target.value as ContentLanguage })}
        >
          <LanguageOptions />
        </select>
      </label>
      <label>
        {t('offices.contactEmail')}
        <input
          required
          type="email"
          value={form.contactEmail}
          onChange={(event) => setForm({ ...form, contactEmail: event.target.value })}
        />
      </label>
      {create.isError && <ErrorMessage error={create.error} />}
      <button type="submit" disabled={create.isPending}>
        {t('common.create')}
      </button>
      {create.isSuccess && (
        <p role="status" className="done">
          {t('offices.created', { name: create.data.name })}{' '}
          <Link href={`/offices/${create.data.id}`}>{create.data.name}</Link>
        </p>
      )}
    </form>
  );
}
