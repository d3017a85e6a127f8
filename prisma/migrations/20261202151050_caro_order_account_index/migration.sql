-- CreateIndex
CREATE INDEX "caro_orders_bankAccountId_idx" ON "caro_orders"("bankAccountId");
