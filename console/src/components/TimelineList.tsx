import type { TimelineEntry } from '../api/cases';
import { useI18n } from '../i18n';
import { NextStep } from './Words';

/** The case's timeline in words, oldest first: who did what, e-mails, callbacks, notes, the next step. */
export function TimelineList({ entries }: { entries: readonly TimelineEntry[] }) {
  const i18n = useI18n();
  const { t, tOr, dateTime } = i18n;
  const who = (actor: { role?: string; kind?: string; name?: string | null }) =>
    actor.name ?? tOr(`role.${actor.role ?? actor.kind ?? ''}`, actor.role ?? actor.kind ?? '');
  const status = (value: string) => tOr(`status.${value}`, value);
  const line = (entry: TimelineEntry) => {
    switch (entry.kind) {
      case 'state_change': {
        const change = entry.from
          ? t('timeline.state_change', { from: status(entry.from), to: status(entry.to) })
          : t('timeline.state_first', { to: status(entry.to) });
        const by = t('timeline.by', { actor: who(entry.actor) });
        return [change, by, entry.reason ? `(${tOr(`problem.${entry.reason}`, entry.reason)})` : '']
          .filter(Boolean)
          .join(' ');
      }
      case 'email':
        return t('timeline.email', {
          template: tOr(`template.${entry.template}`, entry.template),
          language: entry.language,
          status: t(`timeline.emailStatus.${entry.status}`),
        });
      case 'callback':
        return t('timeline.callback', {
          provider: entry.provider,
          event: entry.eventType ?? entry.eventId,
          outcome: entry.outcome,
        });
      case 'action':
        return t('timeline.action', { action: tOr(`action.${entry.action}`, entry.action), actor: who(entry.actor) });
      case 'note':
        return t('timeline.note', { author: who(entry.author), text: entry.text });
      case 'next_step':
        return null;
    }
  };
  if (entries.length === 0) return <p>{t('case.timelineEmpty')}</p>;
  return (
    <ol className="timeline">
      {entries.map((entry, index) => (
        <li key={`${entry.kind}-${entry.at}-${index}`} className={`entry entry-${entry.kind}`}>
          <time dateTime={entry.at}>{dateTime(entry.at)}</time>
          <span>
            {entry.kind === 'next_step' ? (
              <>
                {t('timeline.next_step', { step: '' })}
                <NextStep step={entry.step} />
              </>
            ) : (
              line(entry)
            )}
          </span>
        </li>
      ))}
    </ol>
  );
}
