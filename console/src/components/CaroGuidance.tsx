import type { Ok } from '../api/types';
import { everyOf } from '../api/types';
import { useI18n } from '../i18n';

type CaroReason = NonNullable<Ok<'/v1/caro-orders/{id}', 'get'>['problemReason']>;

/** Why a CARO activation failed: every reason the API declares (workflows/caro-activation/contract.ts), checked. */
const CARO_REASONS = everyOf<CaroReason>()([
  'online_payments_disabled',
  'card_not_linked_to_reference',
  'debit_card',
  'technical_or_data_error',
]);

export const isCaroReason = (value: string | null): value is CaroReason =>
  (CARO_REASONS as readonly (string | null)[]).includes(value);

/**
 * What the accountant and support do about a failed CARO activation, in the reader's language: one text per
 * reason (a reason without its `caroGuidance.*` words fails the typecheck).
 */
export function CaroGuidance({ reason }: { reason: CaroReason }) {
  const { t } = useI18n();
  return (
    <div className="guidance">
      <strong>{t('case.guidance')}</strong>
      <p>{t(`caroGuidance.${reason}`)}</p>
    </div>
  );
}
