-- AlterTable
ALTER TABLE "connections" ADD COLUMN     "statusVersion" INTEGER NOT NULL DEFAULT 0;
