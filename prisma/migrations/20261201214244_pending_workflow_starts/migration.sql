-- CreateTable
CREATE TABLE "pending_starts" (
    "workflowId" TEXT NOT NULL,
    "caseType" "CaseType" NOT NULL,
    "caseId" TEXT NOT NULL,
    "workflowType" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_starts_pkey" PRIMARY KEY ("workflowId")
);

-- CreateIndex
CREATE INDEX "pending_starts_createdAt_idx" ON "pending_starts"("createdAt");
