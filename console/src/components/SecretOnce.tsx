import { useState } from 'react';
import { useI18n } from '../i18n';

/** A secret the API answers once (an API key, a generated password): the warning, the value, a copy button. */
export function SecretOnce({ label, warning, value }: { label: string; warning: string; value: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(value);
    setCopied(true);
  };
  return (
    <div role="status" className="notice">
      <p className="warning">
        <strong>{warning}</strong>
      </p>
      <p className="secret">
        <span>{label}:</span> <code data-secret>{value}</code>
        <button type="button" className="secondary" onClick={() => void copy()}>
          {t('common.copy')}
        </button>
        {copied && <span>{t('common.copied')}</span>}
      </p>
    </div>
  );
}
