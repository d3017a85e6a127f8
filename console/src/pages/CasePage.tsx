import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { ACTIONS } from '../api/actions';
import { fetchDetail, fetchHead, fetchTimeline, type CaseDetail } from '../api/cases';
import { ApiProblem } from '../api/client';
import { useSession } from '../api/session';
import { isJourney, type CaseItem, type Journey } from '../api/types';
import { ActionButton, ActionDone } from '../components/ActionButton';
import { CaroGuidance, isCaroReason } from '../components/CaroGuidance';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { TimelineList } from '../components/TimelineList';
import { NextStep, Party, Status } from '../components/Words';
import { useI18n } from '../i18n';
import { NotFound } from './NotFound';
import { WorkflowLink } from '../components/WorkflowLink';

/** How often an open case asks again: a step taken elsewhere (a webhook, a timer) shows without reloading. */
export const CASE_POLL_MS = 2_000;

const isNotFound = (error: unknown) => error instanceof ApiProblem && (error.status === 404 || error.status === 400);

export function CasePage() {
  const params = useParams<{ journey: string; id: string }>();
  if (!isJourney(params.journey)) return <NotFound />;
  return <CaseView journey={params.journey} id={params.id} />;
}

function CaseView({ journey, id }: { journey: Journey; id: string }) {
  const { t, dateTime } = useI18n();
  const { user } = useSession();
  const poll = { refetchInterval: CASE_POLL_MS, refetchIntervalInBackground: false };
  const head = useQuery({ queryKey: ['case', journey, id, 'head'], queryFn: () => fetchHead(journey, id), ...poll });
  const detail = useQuery({
    queryKey: ['case', journey, id, 'detail'],
    queryFn: () => fetchDetail(journey, id),
    ...poll,
  });
  const timeline = useQuery({
    queryKey: ['case', journey, id, 'timeline'],
    queryFn: () => fetchTimeline(journey, id),
    ...poll,
  });
  // The three reads poll apart: once the timeline shows a new status, the head and the detail catch up now.
  const queryClient = useQueryClient();
  const timelineStatus = timeline.data?.status;
  const headStatus = head.data?.status;
  useEffect(() => {
    if (timelineStatus === undefined || headStatus === undefined || timelineStatus === headStatus) return;
    for (const part of ['head', 'detail'])
      void queryClient.invalidateQueries({ queryKey: ['case', journey, id, part] });
  }, [timelineStatus, headStatus, queryClient, journey, id]);
  if (head.data === null || isNotFound(detail.error) || isNotFound(head.error)) return <NotFound />;
  const item = head.data;
  const backOffice = user.role === 'operator' || user.role === 'support';
  const client = item?.client?.name ?? t('cases.noClient');
  return (
    <>
      <PageTitle>{t('case.title', { journey: t(`journey.${journey}`), client })}</PageTitle>
      {(head.error ?? detail.error) && <ErrorMessage error={head.error ?? detail.error} />}
      {item && (
        <p className="lead">
          <Status status={item.status} />{' '}
          {item.client && <Link href={`/clients/${item.client.id}`}>{item.client.name}</Link>}
          <span className="muted"> · {item.office.name}</span>
          {backOffice && <WorkflowLink journey={journey} id={id} />}
        </p>
      )}
      <div className="columns">
        <div>
          {item && <Facts item={item} detail={detail.data} />}
          {detail.data && <Reminders detail={detail.data} />}
        </div>
        <div>{item && <Actions journey={journey} id={id} item={item} backOffice={backOffice} />}</div>
      </div>
      <section aria-labelledby="timeline">
        <h2 id="timeline">{t('case.timeline')}</h2>
        {timeline.isError && <ErrorMessage error={timeline.error} />}
        {timeline.data && <TimelineList entries={timeline.data.entries} />}
        {timeline.dataUpdatedAt > 0 && (
          <p className="muted">
            {t('case.updated', { time: dateTime(new Date(timeline.dataUpdatedAt).toISOString()) })}
          </p>
        )}
      </section>
    </>
  );
}

function Facts({ item, detail }: { item: CaseItem; detail: CaseDetail | undefined }) {
  const { t, tOr, dateTime } = useI18n();
  return (
    <section aria-labelledby="facts">
      <h2 id="facts">{t('case.facts')}</h2>
      <dl className="facts">
        <dt>{t('cases.status')}</dt>
        <dd>
          <Status status={item.status} />{' '}
          <span className="muted">
            {t('cases.since')} {dateTime(item.stateSince)}
          </span>
        </dd>
        {item.problemReason && (
          <>
            <dt>{t('case.problemReason')}</dt>
            <dd>
              {tOr(`problem.${item.problemReason}`, item.problemReason)}
              {item.journey === 'caro' && item.status === 'problem' && isCaroReason(item.problemReason) && (
                <CaroGuidance reason={item.problemReason} />
              )}
            </dd>
          </>
        )}
        <dt>{t('cases.whoseMove')}</dt>
        <dd>
          <Party party={item.whoseMove} />
        </dd>
        <dt>{t('cases.nextStep')}</dt>
        <dd>
          <NextStep step={item.nextStep} />
        </dd>
        {detail?.journey === 'mandate' && (
          <>
            <dt>{t('case.iban')}</dt>
            <dd className="mono">{detail.detail.iban}</dd>
            <dt>{t('case.bank')}</dt>
            <dd>{detail.detail.bankName}</dd>
          </>
        )}
        {detail?.journey === 'caro' && (
          <>
            <dt>{t('case.reference')}</dt>
            <dd className="mono">{detail.detail.clientReference}</dd>
          </>
        )}
        {detail?.journey === 'consent' && (
          <>
            <dt>{t('case.iban')}</dt>
            <dd className="mono">{detail.detail.ibans.join(', ')}</dd>
            <dt>{t('case.bank')}</dt>
            <dd>{detail.detail.bankName ?? detail.detail.provider}</dd>
          </>
        )}
        {item.attention.map((a) => (
          <div key={a.kind} className="attention">
            <dt>{t(`attention.${a.kind}`)}</dt>
            <dd>{a.reason}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Reminders({ detail }: { detail: CaseDetail }) {
  const { t, dateTime } = useI18n();
  const reminders = detail.detail.reminders.map((r, index) => ({
    number: 'number' in r ? r.number : index + 1,
    sentAt: r.sentAt,
    toAddress: r.toAddress,
  }));
  return (
    <section aria-labelledby="reminders">
      <h2 id="reminders">{t('case.reminders')}</h2>
      {reminders.length === 0 ? (
        <p>{t('case.remindersNone')}</p>
      ) : (
        <ul>
          {reminders.map((r) => (
            <li key={`${r.number}-${r.sentAt}`}>
              {t('case.reminderLine', { number: r.number, date: dateTime(r.sentAt) })}
              {r.toAddress && <span className="muted"> {t('case.reminderTo', { address: r.toAddress })}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Actions({
  journey,
  id,
  item,
  backOffice,
}: {
  journey: Journey;
  id: string;
  item: CaseItem;
  backOffice: boolean;
}) {
  const { t, tOr } = useI18n();
  // An action whose confirmation is open stays shown when a refresh closes it meanwhile: its "yes" then
  // answers the API's refusal in words instead of the dialog vanishing under the user.
  const [pinned, setPinned] = useState<string | undefined>();
  const [done, setDone] = useState<{ label: string; answer: unknown } | undefined>();
  const open = [...item.actions, ...(backOffice ? ['note'] : [])];
  const names = pinned && !open.includes(pinned) ? [...open, pinned] : open;
  return (
    <section aria-labelledby="actions">
      <h2 id="actions">{t('case.actions')}</h2>
      {names.length === 0 && <p>{t('case.actionsNone')}</p>}
      <div className="actions">
        {names.map((name) => {
          const label = tOr(`action.${name}`, name);
          if (journey === 'mandate' && name === 'download')
            return (
              <a key={name} className="button" href={`/v1/mandates/${id}/document.pdf`} download>
                {label}
              </a>
            );
          const action = ACTIONS[journey][name];
          return action ? (
            <ActionButton
              key={name}
              caseId={id}
              label={label}
              action={action}
              onOpenChange={(isOpen) => setPinned(isOpen ? name : undefined)}
              onDone={(answer) => setDone({ label, answer })}
            />
          ) : null;
        })}
      </div>
      <div role="status">{done && <ActionDone label={done.label} answer={done.answer} />}</div>
    </section>
  );
}
