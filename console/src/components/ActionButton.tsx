import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import type { ActionDef } from '../api/actions';
import { useI18n } from '../i18n';
import { ErrorMessage } from './ErrorMessage';
import { ConfirmButtons } from './ConfirmButtons';

const linkOf = (answer: unknown): string | undefined =>
  typeof answer === 'object' && answer !== null && 'url' in answer && typeof answer.url === 'string'
    ? answer.url
    : undefined;

/**
 * One action of a case: the button opens a confirmation (a modal <dialog>: focus kept inside, Escape
 * closes it) with the fields the action needs; "yes" takes it and hands the answer to `onDone`, or
 * shows the API's error in words.
 */
export function ActionButton({
  caseId,
  label,
  action,
  onOpenChange,
  onDone,
}: {
  caseId: string;
  label: string;
  action: ActionDef;
  /** While open, the caller keeps this action shown even if a refresh closed it meanwhile. */
  onOpenChange(open: boolean): void;
  onDone(answer: unknown): void;
}) {
  const { t, tOr } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const queryClient = useQueryClient();
  const run = useMutation({
    mutationFn: () => action.run(caseId, values),
    async onSuccess(answer) {
      dialog.current?.close();
      onDone(answer);
      await queryClient.invalidateQueries();
    },
  });
  const open = () => {
    run.reset();
    setValues({});
    onOpenChange(true);
    dialog.current?.showModal();
  };
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  return (
    <div className="action">
      <button type="button" onClick={open}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={`${id}-title`} onClose={() => onOpenChange(false)}>
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
          <ConfirmButtons pending={run.isPending} onNo={() => dialog.current?.close()} />
        </form>
      </dialog>
    </div>
  );
}

/** What the last action answered: done, and the link it gave (signing link, activation link) to copy. */
export function ActionDone({ label, answer }: { label: string; answer: unknown }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const link = linkOf(answer);
  const copy = async (url: string) => {
    await navigator.clipboard.writeText(url);
    setCopied(true);
  };
  return (
    <div className="done">
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
  );
}
