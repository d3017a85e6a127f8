-- AlterTable
ALTER TABLE "caro_orders" ADD COLUMN     "stateVersion" INTEGER NOT NULL DEFAULT 0;
