import { useI18n } from '../i18n';

/** A confirmation dialog's answers: yes submits its form (off while the call runs), no closes the dialog. */
export function ConfirmButtons({ pending, onNo }: { pending: boolean; onNo: () => void }) {
  const { t } = useI18n();
  return (
    <div className="row">
      <button type="submit" disabled={pending}>
        {t('action.yes')}
      </button>
      <button type="button" className="secondary" onClick={onNo}>
        {t('action.no')}
      </button>
    </div>
  );
}
