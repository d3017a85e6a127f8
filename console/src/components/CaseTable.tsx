import { Link } from 'wouter';
import type { CaseItem } from '../api/types';
import { useI18n } from '../i18n';
import { NextStep, Party, Status } from './Words';

/** Cases as a table: each row links to its case page. */
export function CaseTable({
  cases,
  caption,
  hideCaption = false,
  subject,
}: {
  cases: readonly CaseItem[];
  caption: string;
  /** The section's heading already says it: the caption stays for screen readers only. */
  hideCaption?: boolean;
  /** One client's cases: name each by what it is about (an IBAN, a card reference) instead of the client. */
  subject?: (item: CaseItem) => string | undefined;
}) {
  const { t, tOr, dateTime } = useI18n();
  return (
    <table className="cases">
      <caption className={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{subject ? t('cases.subject') : t('cases.client')}</th>
          <th scope="col">{t('cases.journey')}</th>
          <th scope="col">{t('cases.status')}</th>
          <th scope="col">{t('cases.whoseMove')}</th>
          <th scope="col">{t('cases.nextStep')}</th>
          <th scope="col">{t('cases.attention')}</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((item) => {
          const client = item.client?.name ?? t('cases.noClient');
          const about = subject?.(item);
          const name = t('case.title', { journey: t(`journey.${item.journey}`), client });
          return (
            <tr key={`${item.journey}:${item.caseId}`}>
              <td>
                {subject ? (
                  <Link href={`/cases/${item.journey}/${item.caseId}`} className="mono">
                    <span className="visually-hidden">{name}: </span>
                    {about ?? item.caseId.slice(0, 8)}
                  </Link>
                ) : (
                  <Link href={`/cases/${item.journey}/${item.caseId}`} aria-label={name}>
                    {client}
                  </Link>
                )}
                <div className="muted">{item.office.name}</div>
              </td>
              <td>{t(`journey.${item.journey}`)}</td>
              <td>
                <Status status={item.status} />
                {item.problemReason && (
                  <div className="muted">{tOr(`problem.${item.problemReason}`, item.problemReason)}</div>
                )}
              </td>
              <td>
                <Party party={item.whoseMove} />
              </td>
              <td>
                <NextStep step={item.nextStep} />
              </td>
              <td>
                {item.attention.map((a) => (
                  <div key={a.kind}>
                    {t(`attention.${a.kind}`)}
                    <div className="muted">{dateTime(a.since)}</div>
                  </div>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
