import { CONTENT_LANGUAGES, useI18n, type ContentLanguage } from '../i18n';

/** A language select's options, each named in the reader's language: the content languages unless told. */
export function LanguageOptions({ languages = CONTENT_LANGUAGES }: { languages?: readonly ContentLanguage[] }) {
  const { t } = useI18n();
  return languages.map((code) => (
    <option key={code} value={code}>
      {t(`language.${code}`)}
    </option>
  ));
}
