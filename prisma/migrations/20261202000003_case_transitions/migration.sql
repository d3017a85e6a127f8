-- AlterTable
ALTER TABLE "mandates" ADD COLUMN     "stateChangedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "caro_orders" ADD COLUMN     "stateChangedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "connections" ADD COLUMN     "statusChangedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "case_transitions" (
    "id" TEXT NOT NULL,
    "caseType" "CaseType" NOT NULL,
    "caseId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "fromState" TEXT,
    "toState" TEXT NOT NULL,
    "actorKind" TEXT NOT NULL,
    "actorId" TEXT,
    "event" TEXT,
    "reason" TEXT,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "case_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "case_transitions_caseType_toState_at_idx" ON "case_transitions"("caseType", "toState", "at");

-- CreateIndex
CREATE UNIQUE INDEX "case_transitions_caseType_caseId_version_key" ON "case_transitions"("caseType", "caseId", "version");
