import { Link, useParams } from 'wouter';
import { ApiProblem } from '../api/client';
import { useOutboxMessage } from '../api/operators';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { useI18n } from '../i18n';
import { NotFound } from './NotFound';
import { caseHref } from './OutboxPage';

/**
 * One e-mail as its recipient sees it (GET /v1/outbox/:id): subject, sender, recipient, the HTML part in
 * a sandboxed frame (no script, no form, no navigation, an opaque origin), and the text part.
 */
export function OutboxMessagePage() {
  const { id } = useParams<{ id: string }>();
  const { t, tOr, dateTime } = useI18n();
  const message = useOutboxMessage(id);
  if (message.error instanceof ApiProblem && (message.error.status === 404 || message.error.status === 400))
    return <NotFound />;
  const m = message.data;
  const href = m && caseHref(m);
  return (
    <>
      <PageTitle>{m ? t('outbox.message', { subject: m.subject }) : t('outbox.title')}</PageTitle>
      <p>
        <Link href="/outbox">{t('outbox.back')}</Link>
      </p>
      {message.isError && <ErrorMessage error={message.error} />}
      {m && (
        <>
          <section aria-labelledby="message-head">
            <h2 id="message-head" className="visually-hidden">
              {t('outbox.subject')}
            </h2>
            <dl className="facts">
              <dt>{t('outbox.subject')}</dt>
              <dd>{m.subject}</dd>
              <dt>{t('outbox.from')}</dt>
              <dd>{m.from}</dd>
              <dt>{t('outbox.to')}</dt>
              <dd>{m.toAddress ?? t('outbox.noRecipient')}</dd>
              <dt>{t('outbox.template')}</dt>
              <dd>
                {tOr(`template.${m.template}`, m.template)} ({m.language})
              </dd>
              <dt>{t('outbox.status')}</dt>
              <dd>
                {t(`timeline.emailStatus.${m.status}`)}
                {m.error ? ` — ${m.error}` : ''}
              </dd>
              <dt>{t('outbox.case')}</dt>
              <dd>
                {href && m.caseType ? <Link href={href}>{t(`outbox.caseType.${m.caseType}`)}</Link> : t('common.none')}
              </dd>
              <dt>{t('outbox.createdAt')}</dt>
              <dd>{dateTime(m.createdAt)}</dd>
              <dt>{t('outbox.sentAt')}</dt>
              <dd>{m.sentAt ? dateTime(m.sentAt) : t('common.none')}</dd>
            </dl>
          </section>
          <section aria-labelledby="message-html">
            <h2 id="message-html">{t('outbox.html')}</h2>
            <iframe className="email" sandbox="" srcDoc={m.html} title={t('outbox.frameTitle')} />
          </section>
          <section aria-labelledby="message-text">
            <h2 id="message-text">{t('outbox.text')}</h2>
            <pre className="email-text">{m.text}</pre>
          </section>
        </>
      )}
    </>
  );
}
