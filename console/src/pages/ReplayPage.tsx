import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api, unwrap } from '../api/client';
import { everyOf, type Ok } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageTitle } from '../components/PageTitle';
import { Status } from '../components/Words';
import { useI18n } from '../i18n';
import { ConfirmButtons } from '../components/ConfirmButtons';

type Batch = Ok<'/v1/caro-replays/{id}', 'get'>;
/** The filter as the batch echoes it (the request body's type is the same object, at least one field set). */
type Filter = Batch['filter'];
type Reason = NonNullable<Filter['reason']>;
type ReplayStatus = NonNullable<Filter['status']>;

const REASONS = everyOf<Reason>()([
  'online_payments_disabled',
  'card_not_linked_to_reference',
  'debit_card',
  'technical_or_data_error',
]);
const STATUSES = everyOf<ReplayStatus>()(['problem', 'invitation_sent']);
const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);
const POLL_MS = 2_000;
const PAGE = 100;

/**
 * Support's bulk replay of failed CARO activations: a filter, the preview of the exact cases
 * (POST /v1/caro-replays), the confirmation (POST …/:id/start), then the progress read every 2 s
 * (GET /v1/caro-replays/:id) until done. The batch's id is in the address, so a reload keeps it.
 */
export function ReplayPage() {
  const { t, tOr } = useI18n();
  const [, navigate] = useLocation();
  const batchId = new URLSearchParams(useSearch()).get('batch');
  const [form, setForm] = useState({ reason: '', status: '', since: '' });
  const preview = useMutation({
    mutationFn: () => {
      const body: Filter = {
        ...(isOneOf(REASONS, form.reason) ? { reason: form.reason } : {}),
        ...(isOneOf(STATUSES, form.status) ? { status: form.status } : {}),
        ...(form.since ? { since: new Date(form.since).toISOString() } : {}),
      };
      return unwrap(api.POST('/v1/caro-replays', { body }));
    },
    onSuccess: (batch) => navigate(`/replay?batch=${batch.id}`),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    preview.mutate();
  };
  const recent = useQuery({
    queryKey: ['caro-replays'],
    queryFn: () => unwrap(api.GET('/v1/caro-replays', { params: { query: { limit: 5 } } })),
    // While one of them runs, its status here follows.
    refetchInterval: (query) =>
      query.state.data?.data.some((b) => b.status === 'confirmed' || b.status === 'running') ? POLL_MS : false,
  });
  const select = (name: keyof typeof form, label: string, choices: readonly string[], words: string) => (
    <label>
      {label}
      <select value={form[name]} onChange={(event) => setForm({ ...form, [name]: event.target.value })}>
        <option value="">{t('replay.any')}</option>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {tOr(`${words}${choice}`, choice)}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <>
      <PageTitle>{t('replay.title')}</PageTitle>
      <p className="lead">{t('replay.lead')}</p>
      <form onSubmit={submit} className="row filters" aria-label={t('replay.filter')}>
        {select('reason', t('replay.reason'), REASONS, 'problem.')}
        {select('status', t('replay.status'), STATUSES, 'status.')}
        <label>
          {t('replay.since')}
          <input
            type="datetime-local"
            value={form.since}
            onChange={(event) => setForm({ ...form, since: event.target.value })}
          />
        </label>
        <button type="submit" disabled={preview.isPending}>
          {t('replay.preview')}
        </button>
      </form>
      {preview.isError && <ErrorMessage error={preview.error} />}
      {batchId && <BatchView key={batchId} id={batchId} />}
      {recent.data && recent.data.data.length > 0 && (
        <section aria-labelledby="recent">
          <h2 id="recent">{t('replay.recent')}</h2>
          <ul className="plain">
            {recent.data.data.map((b) => (
              <li key={b.id}>
                <Link href={`/replay?batch=${b.id}`}>
                  {t('replay.batchLine', { total: b.total, status: t(`replay.batch.${b.status}`) })}
                </Link>{' '}
                <span className="muted">{new Date(b.createdAt).toLocaleString()}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** One batch: its counts and cases; the confirmation while previewed; polled while it runs. */
function BatchView({ id }: { id: string }) {
  const { t, tOr } = useI18n();
  const [cursor, setCursor] = useState<string | undefined>();
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const batch = useQuery({
    queryKey: ['caro-replay', id, cursor],
    queryFn: () =>
      unwrap(
        api.GET('/v1/caro-replays/{id}', {
          params: { path: { id }, query: { limit: PAGE, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'confirmed' || status === 'running' ? POLL_MS : false;
    },
  });
  const start = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/caro-replays/{id}/start', { params: { path: { id } } })),
    async onSuccess() {
      dialog.current?.close();
      await queryClient.invalidateQueries({ queryKey: ['caro-replay', id] });
      await queryClient.invalidateQueries({ queryKey: ['caro-replays'] });
    },
  });
  if (batch.isError) return <ErrorMessage error={batch.error} />;
  if (!batch.data) return <p className="loading">{t('app.loading')}</p>;
  const b: Batch = batch.data;
  const settled = b.replayed + b.skipped + b.failed;
  return (
    <section aria-labelledby="batch" className="batch">
      <h2 id="batch">
        {b.status === 'previewed' ? t('replay.previewOf', { count: b.total }) : t(`replay.batch.${b.status}`)}
      </h2>
      {b.status === 'previewed' ? (
        b.total === 0 ? (
          <p>{t('replay.none')}</p>
        ) : (
          <div className="row">
            <p>{t('replay.frozen')}</p>
            <button
              type="button"
              onClick={() => {
                start.reset();
                dialog.current?.showModal();
              }}
            >
              {t('replay.confirm', { count: b.total })}
            </button>
          </div>
        )
      ) : (
        <div role="status" className="progress">
          <label>
            {t('replay.progress')}
            <progress max={b.total} value={settled} />
          </label>
          <p>
            {t('replay.counts', { replayed: b.replayed, skipped: b.skipped, failed: b.failed, pending: b.pending })}
          </p>
          {b.confirmedBy?.name && <p className="muted">{t('replay.by', { name: b.confirmedBy.name })}</p>}
        </div>
      )}
      <dialog ref={dialog} aria-labelledby="confirm-title">
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            start.mutate();
          }}
        >
          <h2 id="confirm-title">{t('replay.confirm', { count: b.total })}</h2>
          <p>{t('replay.confirmQuestion', { count: b.total })}</p>
          {start.isError && <ErrorMessage error={start.error} />}
          <ConfirmButtons pending={start.isPending} onNo={() => dialog.current?.close()} />
        </form>
      </dialog>
      {b.cases.data.length > 0 && (
        <table className="cases">
          <caption>{t('replay.cases', { count: b.total })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('replay.client')}</th>
              <th scope="col">{t('replay.reference')}</th>
              <th scope="col">{t('replay.reason')}</th>
              <th scope="col">{t('replay.now')}</th>
              <th scope="col">{t('replay.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {b.cases.data.map((c) => (
              <tr key={c.id}>
                <td>{c.companyName ?? '—'}</td>
                <td>
                  <Link href={`/cases/caro/${c.orderId}`} className="mono">
                    {c.clientReference ?? c.orderId}
                  </Link>
                </td>
                <td>{c.problemReason ? tOr(`problem.${c.problemReason}`, c.problemReason) : '—'}</td>
                <td>{c.orderStatus ? <Status status={c.orderStatus} /> : '—'}</td>
                <td>
                  {t(`replay.outcome.${c.outcome}`)}
                  {c.detail && <span className="muted"> · {c.detail}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="row">
        {cursor && (
          <button type="button" className="secondary" onClick={() => setCursor(undefined)}>
            {t('replay.firstPage')}
          </button>
        )}
        {b.cases.nextCursor && (
          <button type="button" className="secondary" onClick={() => setCursor(b.cases.nextCursor ?? undefined)}>
            {t('replay.nextPage')}
          </button>
        )}
      </div>
    </section>
  );
}
