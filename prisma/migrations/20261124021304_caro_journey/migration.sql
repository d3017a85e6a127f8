-- DropIndex
DROP INDEX "caro_orders_status_idx";

-- AlterTable
ALTER TABLE "caro_orders" ADD COLUMN     "activatedAt" TIMESTAMPTZ(3),
ADD COLUMN     "bankAccountId" TEXT,
ADD COLUMN     "kbcGroup" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "linkExpiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "linkVersion" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "problemAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "caro_orders_status_problemReason_idx" ON "caro_orders"("status", "problemReason");

-- AddForeignKey
ALTER TABLE "caro_orders" ADD CONSTRAINT "caro_orders_bankAccountId_fkey" FOREIGN KEY ("bankAccountId") REFERENCES "bank_accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;
