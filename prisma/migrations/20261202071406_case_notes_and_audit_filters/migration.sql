-- CreateTable
CREATE TABLE "case_notes" (
    "id" TEXT NOT NULL,
    "caseType" "CaseType" NOT NULL,
    "caseId" TEXT NOT NULL,
    "authorKeyId" TEXT NOT NULL,
    "authorRole" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "case_notes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "case_notes_caseType_caseId_at_idx" ON "case_notes"("caseType", "caseId", "at");

-- CreateIndex
CREATE INDEX "audit_events_actorKeyId_at_idx" ON "audit_events"("actorKeyId", "at");

-- CreateIndex
CREATE INDEX "audit_events_action_at_idx" ON "audit_events"("action", "at");
