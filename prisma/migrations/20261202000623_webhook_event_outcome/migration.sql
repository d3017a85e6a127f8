-- AlterTable
ALTER TABLE "webhook_events" ADD COLUMN     "eventType" TEXT,
ADD COLUMN     "handled" BOOLEAN,
ADD COLUMN     "handledAt" TIMESTAMPTZ(3),
ADD COLUMN     "reason" TEXT,
ADD COLUMN     "resourceId" TEXT,
ADD COLUMN     "resourceType" TEXT;

-- CreateIndex
CREATE INDEX "webhook_events_resourceType_resourceId_idx" ON "webhook_events"("resourceType", "resourceId");

-- CreateIndex
CREATE INDEX "webhook_events_handled_receivedAt_idx" ON "webhook_events"("handled", "receivedAt");
