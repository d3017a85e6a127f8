import { Link } from 'wouter';
import { PageTitle } from '../components/PageTitle';
import { useI18n } from '../i18n';

/** An unknown address, or a case or client the user may not see (the API answers 404 for both). */
export function NotFound() {
  const { t } = useI18n();
  return (
    <section className="not-found">
      <PageTitle>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.text')}</p>
      <p>
        <Link href="/">{t('notFound.back')}</Link>
      </p>
    </section>
  );
}
