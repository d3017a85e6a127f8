import { useI18n } from '../i18n';

/** A case's status in words, with its colour. */
export function Status({ status }: { status: string }) {
  const { tOr } = useI18n();
  return <span className={`status status-${status}`}>{tOr(`status.${status}`, status)}</span>;
}

export interface NextStepValue {
  kind: string;
  at: string;
  number?: number;
  [more: string]: unknown;
}

/** "Reminder 2 on 14 Jan 2027", or "Nothing planned". */
export function NextStep({ step }: { step: NextStepValue | null }) {
  const { t, tOr, date } = useI18n();
  if (!step) return <>{t('step.none')}</>;
  const what = tOr(`step.${step.kind}`, step.kind, { number: step.number ?? '' });
  return <>{t('case.nextStepAt', { step: what, date: date(step.at) })}</>;
}

export function Party({ party }: { party: string }) {
  const { tOr } = useI18n();
  return <>{tOr(`party.${party}`, party)}</>;
}
