import { LANGUAGES, isLanguage, useI18n } from '../i18n';
import { LanguageOptions } from './LanguageOptions';

/** The console's language (fr, nl, en), kept in the browser; its label can be visible or for screen readers only. */
export function LanguageSwitch({ labelHidden = false }: { labelHidden?: boolean }) {
  const { t, language, setLanguage } = useI18n();
  return (
    <label className="language">
      {labelHidden ? <span className="visually-hidden">{t('app.language')}</span> : t('app.language')}
      <select value={language} onChange={(event) => isLanguage(event.target.value) && setLanguage(event.target.value)}>
        <LanguageOptions languages={LANGUAGES} />
      </select>
    </label>
  );
}
