import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession } from '../api/session';
import { useI18n } from '../i18n';
import { LanguageSwitch } from './LanguageSwitch';

/** The operators' pages (offices, outbox, API keys, accounts): in their navigation only. */
const OPERATOR_PAGES = [
  ['/offices', 'nav.offices'],
  ['/outbox', 'nav.outbox'],
  ['/api-keys', 'nav.apiKeys'],
  ['/accounts', 'nav.accounts'],
] as const;

/** The header (title, navigation, quick search, language, who is signed in, sign out) around each page. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user, signOut } = useSession();
  const [location, navigate] = useLocation();
  const [q, setQ] = useState('');
  const search = (event: FormEvent) => {
    event.preventDefault();
    if (!q.trim()) return;
    navigate(`/search?q=${encodeURIComponent(q.trim())}`);
    setQ('');
  };
  const current = (path: string) => (location === path ? 'page' : undefined);
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">{t('app.title')}</span>
        <nav aria-label={t('nav.label')}>
          <Link href="/" aria-current={current('/')}>
            {t('nav.dashboard')}
          </Link>
          <Link href="/clients" aria-current={current('/clients')}>
            {t('nav.clients')}
          </Link>
          <Link href="/search" aria-current={current('/search')}>
            {t('nav.search')}
          </Link>
          {user.role === 'operator' &&
            OPERATOR_PAGES.map(([path, label]) => (
              <Link key={path} href={path} aria-current={location.startsWith(path) ? 'page' : undefined}>
                {t(label)}
              </Link>
            ))}
          {user.role !== 'accountant' && (
            <Link href="/replay" aria-current={current('/replay')}>
              {t('nav.replay')}
            </Link>
          )}
        </nav>
        <form role="search" className="quick-search" onSubmit={search}>
          <label htmlFor="quick-search" className="visually-hidden">
            {t('search.label')}
          </label>
          <input
            id="quick-search"
            type="search"
            value={q}
            placeholder={t('nav.search')}
            onChange={(event) => setQ(event.target.value)}
          />
        </form>
        <LanguageSwitch labelHidden />
        <span className="who">{t('app.signedInAs', { name: user.name, role: t(`role.${user.role}`) })}</span>
        <button type="button" className="secondary" onClick={signOut}>
          {t('app.signOut')}
        </button>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
