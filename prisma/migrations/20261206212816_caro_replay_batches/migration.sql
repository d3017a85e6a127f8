-- CreateEnum
CREATE TYPE "CaroReplayStatus" AS ENUM ('previewed', 'confirmed', 'running', 'done');

-- CreateEnum
CREATE TYPE "CaroReplayOutcome" AS ENUM ('pending', 'replayed', 'skipped', 'failed');

-- CreateTable
CREATE TABLE "caro_replay_batches" (
    "id" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "status" "CaroReplayStatus" NOT NULL DEFAULT 'previewed',
    "workflowId" TEXT NOT NULL,
    "chunkSize" INTEGER NOT NULL,
    "pauseMs" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "replayed" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "requestedByKeyId" TEXT NOT NULL,
    "requestedByRole" TEXT NOT NULL,
    "confirmedByKeyId" TEXT,
    "confirmedByRole" TEXT,
    "confirmedByUserId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmedAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "caro_replay_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "caro_replay_cases" (
    "id" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "reason" "CaroProblemReason",
    "outcome" "CaroReplayOutcome" NOT NULL DEFAULT 'pending',
    "mechanism" TEXT,
    "detail" TEXT,
    "newRunId" TEXT,
    "doneAt" TIMESTAMPTZ(3),

    CONSTRAINT "caro_replay_cases_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "caro_replay_batches_workflowId_key" ON "caro_replay_batches"("workflowId");

-- CreateIndex
CREATE INDEX "caro_replay_batches_createdAt_idx" ON "caro_replay_batches"("createdAt");

-- CreateIndex
CREATE INDEX "caro_replay_batches_status_confirmedAt_idx" ON "caro_replay_batches"("status", "confirmedAt");

-- CreateIndex
CREATE INDEX "caro_replay_cases_batchId_outcome_id_idx" ON "caro_replay_cases"("batchId", "outcome", "id");

-- CreateIndex
CREATE UNIQUE INDEX "caro_replay_cases_batchId_orderId_key" ON "caro_replay_cases"("batchId", "orderId");

-- AddForeignKey
ALTER TABLE "caro_replay_cases" ADD CONSTRAINT "caro_replay_cases_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "caro_replay_batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;
