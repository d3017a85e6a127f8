import type { MessageKey } from '../i18n/keys';
import { useI18n } from '../i18n';

interface Account {
  id: string;
  iban: string;
  bankName?: string | null;
}

/**
 * The client's bank accounts to tick (a mandate order, a connection's consent), each by IBAN and bank;
 * `valueOf` says what a ticked account stands for (its id, its IBAN), `missing` asks for at least one.
 */
export function AccountChoice({
  legend,
  none,
  accounts,
  valueOf,
  chosen,
  onChange,
  missing,
}: {
  legend: MessageKey;
  none: MessageKey;
  accounts: readonly Account[] | undefined;
  valueOf: (account: Account) => string;
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  missing: boolean;
}) {
  const { t } = useI18n();
  const toggle = (value: string, on: boolean) =>
    onChange(on ? [...chosen, value] : chosen.filter((other) => other !== value));
  return (
    <fieldset>
      <legend>{t(legend)}</legend>
      {accounts?.length === 0 && <p>{t(none)}</p>}
      {accounts?.map((account) => (
        <label key={account.id} className="check">
          <input
            type="checkbox"
            checked={chosen.includes(valueOf(account))}
            onChange={(event) => toggle(valueOf(account), event.target.checked)}
          />
          <span className="mono">{account.iban}</span> <span className="muted">{account.bankName}</span>
        </label>
      ))}
      {missing && (
        <p className="error" role="alert">
          {t('order.chooseAccount')}
        </p>
      )}
    </fieldset>
  );
}
