-- AlterTable
ALTER TABLE "email_outbox" ALTER COLUMN "toAddress" DROP NOT NULL;
