import type { TimelineEntry } from '../api/cases';
import { useI18n } from '../i18n';
import { NextStep } from './Words';

/** The case's timeline in words, oldest first: who did what, e-mails, callbacks, notes, the next step. */
export function TimelineList({ entries }: { entries: readonly TimelineEntry[] }) {
  const { t, tOr, timestamp } = useI18n();
  /** A person by name; else a key's role, or what acted (the system, a provider, the client…). */
  const who = (actor: { role?: string; kind?: string; name?: string | null }) => {
    if (actor.name) return actor.name;
    const what = actor.role ?? actor.kind ?? '';
    return tOr(`role.${what}`, tOr(`actor.${what}`, what));
  };
  const status = (value: string) => tOr(`status.${value}`, value);
  const line = (entry: TimelineEntry) => {
    switch (entry.kind) {
      case 'state_change': {
        const change = entry.from
          ? t('timeline.state_change', { from: status(entry.from), to: status(entry.to) })
          : t('timeline.state_first', { to: status(entry.to) });
        const by = t('timeline.by', { actor: who(entry.actor) });
        const why = entry.reason ? tOr(`problem.${entry.reason}`, entry.reason) : entry.note;
        return [change, by, why ? `(${why})` : ''].filter(Boolean).join(' ');
      }
      case 'email':
        return t('timeline.email', {
          template: tOr(`template.${entry.template}`, entry.template),
          language: entry.language,
          status: t(`timeline.emailStatus.${entry.status}`),
        });
      case 'callback':
        return t('timeline.callback', {
          provider: tOr(`actor.${entry.provider}`, entry.provider),
          event: entry.eventType ?? entry.eventId,
          outcome: entry.outcome,
        });
      case 'action':
        return t('timeline.action', { action: tOr(`audit.${entry.action}`, entry.action), actor: who(entry.actor) });
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
          <time dateTime={entry.at}>{timestamp(entry.at)}</time>
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
