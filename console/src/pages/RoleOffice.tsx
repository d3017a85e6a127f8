import type { Office } from '../api/operators';
import { useI18n } from '../i18n';

export const ROLE_CHOICES = ['operator', 'support', 'accountant'] as const;
export type RoleChoice = (typeof ROLE_CHOICES)[number];

/** The role and office fields of a new API key or account: the office only for an accountant. */
export function RoleOfficeFields({
  role,
  officeId,
  offices,
  hint,
  onChange,
}: {
  role: RoleChoice;
  officeId: string;
  offices: readonly Office[];
  hint: string;
  onChange(next: { role: RoleChoice; officeId: string }): void;
}) {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t('common.role')}
        <select value={role} onChange={(event) => onChange({ role: event.target.value as RoleChoice, officeId })}>
          {ROLE_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {t(`role.${choice}`)}
            </option>
          ))}
        </select>
      </label>
      {role === 'accountant' && (
        <label>
          {t('common.office')} <span className="hint">{hint}</span>
          <select required value={officeId} onChange={(event) => onChange({ role, officeId: event.target.value })}>
            <option value="" disabled>
              —
            </option>
            {offices.map((office) => (
              <option key={office.id} value={office.id}>
                {office.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

/** An office's name from the list, else its id (another page of offices), else a dash. */
export const officeName = (offices: readonly Office[] | undefined, id: string | null) =>
  id === null ? '—' : (offices?.find((office) => office.id === id)?.name ?? id);
