import { z } from 'zod';
import type { PrismaClient } from '../db/client.js';

const DAY_MS = 86_400_000;

/** How long events stay readable in GET /v1/events (EVENTS_RETENTION_DAYS, both processes). */
export const eventsEnvSchema = {
  EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
};
export const DEFAULT_EVENTS_RETENTION_DAYS = 30;

/** The oldest creation time still kept. */
export const retainedSince = (retentionDays: number, now = Date.now()): Date => new Date(now - retentionDays * DAY_MS);

/** Deletes the events older than the retention; returns how many went. */
export async function purgeEvents(prisma: PrismaClient, retentionDays: number, now = Date.now()): Promise<number> {
  const { count } = await prisma.event.deleteMany({ where: { createdAt: { lt: retainedSince(retentionDays, now) } } });
  return count;
}
