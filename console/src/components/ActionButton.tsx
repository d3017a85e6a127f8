import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import type { ActionDef } from '../api/actions';
import { useI18n } from '../i18n';
import { ErrorMessage } from './ErrorMessage';

const linkOf = (answer: unknown): string | undefined =>
  typeof answer === 'object' && answer !== null && 'url' in answer && typeof answer.url === 'string'
    ? answer.url
    : undefined;

/**
 * One action of a case: the button opens a confirmation (a modal <dialog>: focus kept inside, Escape
 * closes it) with the fields the action needs; "yes" takes it, shows the API's error in words or, done,
 * refreshes the case (and shows the link it answered, to copy).
 */
export function ActionButton({ caseId, label, action }: { caseId: string; label: string; action: ActionDef }) {
  const { t, tOr } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const [copied, setCopied] = useState(false);
  const queryClient = useQueryClient();
  const run = useMutation({
    mutationFn: () => action.run(caseId, values),
    async onSuccess() {
      dialog.current?.close();
      await queryClient.invalidateQueries();
    },
  });
  const open = () => {
    run.reset();
    setValues({});
    setCopied(false);
    dialog.current?.showModal();
  };
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  const link = run.isSuccess ? linkOf(run.data) : undefined;
  const copy = async (url: string) => {
    await navigator.clipboard.writeText(url);
    setCopied(true);
  };
  return (
    <div className="action">
      <button type="button" onClick={open}>
        {label}
      </button>
      {run.isSuccess && (
        <div role="status" className="done">
          <p>{t('action.done', { action: label })}</p>
          {link && (
            <p className="link">
              <a href={link} target="_blank" rel="noreferrer">
                {link}
              </a>{' '}
              <button type="button" className="secondary" onClick={() => void copy(link)}>
                {t('case.copy')}
              </button>{' '}
              {copied && t('case.linkCopied')}
            </p>
          )}
        </div>
      )}
      <dialog ref={dialog} aria-labelledby={`${id}-title`}>
        <form onSubmit={confirm} className="stack">
          <h2 id={`${id}-title`}>{label}</h2>
          <p>{t('action.confirmQuestion', { action: label })}</p>
          {action.fields?.map((field) => (
            <label key={field.name}>
              {t(field.label)}
              {field.kind === 'choice' ? (
                <select
                  required
                  value={values[field.name] ?? ''}
                  onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
                >
                  <option value="" disabled>
                    —
                  </option>
                  {field.choices.map((choice) => (
                    <option key={choice} value={choice}>
                      {tOr(`${field.wordsPrefix}${choice}`, choice)}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  required
                  type={field.kind === 'datetime' ? 'datetime-local' : field.kind}
                  value={values[field.name] ?? ''}
                  onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
                />
              )}
            </label>
          ))}
          {run.isError && <ErrorMessage error={run.error} />}
          <div className="row">
            <button type="submit" disabled={run.isPending}>
              {t('action.yes')}
            </button>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              {t('action.no')}
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
