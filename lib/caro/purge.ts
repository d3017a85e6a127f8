import type { PrismaClient } from '../../prisma/generated/client.js';

/**
 * Deletes the cardholder's e-mail address everywhere the CARO case holds it: the order, the
 * cardholder's outbox rows and the reminders sent (data minimisation). Returns the rows changed.
 */
export async function purgeCardholderEmail(
  prisma: PrismaClient,
  orderId: string,
): Promise<{ order: number; outbox: number; reminders: number }> {
  const [order, outbox, reminders] = await prisma.$transaction([
    prisma.caroOrder.updateMany({
      where: { id: orderId, cardholderEmail: { not: null } },
      data: { cardholderEmail: null },
    }),
    // Only the cardholder's messages: the office's failure guidance went to the office's own address.
    prisma.emailOutbox.updateMany({
      where: { caseType: 'caro', caseId: orderId, template: { not: 'caro.failure' }, toAddress: { not: null } },
      data: { toAddress: null },
    }),
    prisma.reminderSent.updateMany({
      where: { caseType: 'caro', caseId: orderId, toAddress: { not: null } },
      data: { toAddress: null },
    }),
  ]);
  return { order: order.count, outbox: outbox.count, reminders: reminders.count };
}
