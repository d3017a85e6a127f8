import { problemWords } from '../api/problems';
import { useI18n } from '../i18n';

/** The API's problem, in the user's words; the failing fields listed under it. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t, dateTime } = useI18n();
  const { message, fields } = problemWords(error, t, dateTime);
  return (
    <div className="error" role="alert">
      <p>{message}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((field) => (
            <li key={field}>{field}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
