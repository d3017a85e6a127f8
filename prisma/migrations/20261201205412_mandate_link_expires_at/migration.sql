-- AlterTable
ALTER TABLE "mandates" ADD COLUMN     "linkExpiresAt" TIMESTAMPTZ(3);
