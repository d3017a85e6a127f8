import { useState, type FormEvent } from 'react';
import { useSignIn } from '../api/session';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useI18n } from '../i18n';

export function SignIn() {
  const { t } = useI18n();
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };
  return (
    <main id="main" className="narrow sign-in">
      <p className="brand">{t('app.title')}</p>
      <PageTitle>{t('signIn.title')}</PageTitle>
      <form onSubmit={submit} className="stack">
        <label>
          {t('signIn.email')}
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label>
          {t('signIn.password')}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {signIn.isError && <ErrorMessage error={signIn.error} />}
        <button type="submit" disabled={signIn.isPending}>
          {signIn.isPending ? t('signIn.busy') : t('signIn.submit')}
        </button>
      </form>
      <LanguageSwitch />
    </main>
  );
}
