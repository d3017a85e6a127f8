-- AlterEnum (the migration runner wraps each migration in one transaction)
CREATE TYPE "MandateProblemReason_new" AS ENUM ('signature_rejected', 'bank_data_outdated', 'signer_not_authorised', 'wrong_enterprise_number', 'several_signatures_required');
ALTER TABLE "mandates" ALTER COLUMN "problemReason" TYPE "MandateProblemReason_new" USING ("problemReason"::text::"MandateProblemReason_new");
ALTER TYPE "MandateProblemReason" RENAME TO "MandateProblemReason_old";
ALTER TYPE "MandateProblemReason_new" RENAME TO "MandateProblemReason";
DROP TYPE "MandateProblemReason_old";

-- AlterTable
ALTER TABLE "mandates" ADD COLUMN     "linkIssueAt" TIMESTAMPTZ(3),
ADD COLUMN     "presentedAt" TIMESTAMPTZ(3),
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "stalledAt" TIMESTAMPTZ(3),
ADD COLUMN     "stateVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "mandates_linkIssueAt_idx" ON "mandates"("linkIssueAt");
