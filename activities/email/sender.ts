/**
 * How a rendered message leaves the system. Two implementations behind one interface, chosen
 * from the environment by createEmailSender (transport.ts): Resend (resend-sender.ts) when
 * RESEND_API_KEY is set, the development outbox otherwise.
 */
export interface OutgoingMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface SendReceipt {
  /** The provider's id of the message; null when it stayed in the development outbox. */
  providerMessageId: string | null;
}

export interface EmailSender {
  readonly transport: 'resend' | 'outbox';
  /**
   * Hands the message over once per `idempotencyKey`: sending again with the same key and the
   * same message gives the first receipt, and nothing new goes out. Throws EmailDeliveryError.
   */
  send(message: OutgoingMessage, idempotencyKey: string): Promise<SendReceipt>;
}

export class EmailDeliveryError extends Error {
  override name = 'EmailDeliveryError';
  constructor(
    message: string,
    readonly details: {
      /** True for throttling, provider outages and network errors; false when the message itself was refused. */
      retryable: boolean;
      /** HTTP status, null when no answer came. */
      statusCode: number | null;
      /** The provider's error name, e.g. `validation_error`. */
      code: string;
      /** From a Retry-After header. */
      retryAfterMs?: number;
    },
  ) {
    super(message);
  }
}

/**
 * Development transport: the outbox row the e-mail activity writes before sending *is* the
 * delivery, listed for operators (listOutbox), so a local stack shows every message that would
 * have gone out. Nothing leaves the machine.
 */
export class OutboxSender implements EmailSender {
  readonly transport = 'outbox' as const;
  async send(): Promise<SendReceipt> {
    return { providerMessageId: null };
  }
}
