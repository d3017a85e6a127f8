import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api, unwrap } from '../api/client';
import { useSession } from '../api/session';
import type { Body } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { useI18n, type ContentLanguage } from '../i18n';
import { LanguageOptions } from '../components/LanguageOptions';

/**
 * A new client (POST /v1/clients), then its page. An accountant's goes to their own office; an operator chooses
 * the office (GET /v1/offices).
 */
export function NewClient() {
  const { t, language: uiLanguage } = useI18n();
  const { user } = useSession();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const choosesOffice = user.role !== 'accountant';
  const [form, setForm] = useState({ officeId: '', companyName: '', enterpriseNumber: '', clientCode: '', email: '' });
  const [language, setLanguage] = useState<ContentLanguage>(uiLanguage);
  const offices = useQuery({
    queryKey: ['offices'],
    enabled: choosesOffice,
    queryFn: () => unwrap(api.GET('/v1/offices', { params: { query: { limit: 200 } } })),
  });
  const create = useMutation({
    mutationFn: () => {
      const body: Body<'/v1/clients', 'post'> = {
        companyName: form.companyName,
        clientCode: form.clientCode,
        language,
        ...(choosesOffice ? { officeId: form.officeId } : {}),
        ...(form.enterpriseNumber.trim() ? { enterpriseNumber: form.enterpriseNumber.trim() } : {}),
        ...(form.email.trim() ? { email: form.email.trim() } : {}),
      };
      return unwrap(api.POST('/v1/clients', { body }));
    },
    async onSuccess(client) {
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      navigate(`/clients/${client.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value }),
  });
  return (
    <>
      <PageTitle>{t('clients.new')}</PageTitle>
      {offices.isError && <ErrorMessage error={offices.error} />}
      <form onSubmit={submit} className="stack">
        {choosesOffice && (
          <label>
            {t('client.new.office')}
            <select required {...field('officeId')}>
              <option value="">—</option>
              {offices.data?.data.map((office) => (
                <option key={office.id} value={office.id}>
                  {office.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('client.companyName')}
          <input required maxLength={200} {...field('companyName')} />
        </label>
        <label>
          {t('client.enterpriseNumber')}
          <input maxLength={20} {...field('enterpriseNumber')} />
        </label>
        <label>
          {t('client.clientCode')}
          <input required maxLength={50} {...field('clientCode')} />
        </label>
        <label>
          {t('client.email')}
          <input type="email" aria-describedby="new-client-email-hint" {...field('email')} />
          <span id="new-client-email-hint" className="hint">
            {t('client.new.emailHint')}
          </span>
        </label>
        <label>
          {t('client.language')}
          <select value={language} onChange={(event) => setLanguage(event.target.value as ContentLanguage)}>
            <LanguageOptions />
          </select>
        </label>
        {create.isError && <ErrorMessage error={create.error} />}
        <button type="submit" disabled={create.isPending}>
          {t('client.new.submit')}
        </button>
      </form>
    </>
  );
}
