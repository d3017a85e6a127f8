-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Language" AS ENUM ('fr', 'nl', 'en', 'de');

-- CreateEnum
CREATE TYPE "ManagementMode" AS ENUM ('office', 'service');

-- CreateEnum
CREATE TYPE "MandateStatus" AS ENUM ('registered', 'in_preparation', 'available_online', 'sent_to_client', 'awaiting_bank_link', 'signed', 'bank_processing', 'active', 'problem', 'archived');

-- CreateEnum
CREATE TYPE "MandateProblemReason" AS ENUM ('signature_rejected', 'bank_data_outdated', 'signer_not_authorised', 'wrong_enterprise_number', 'several_signatures_required', 'bank_link_missing');

-- CreateEnum
CREATE TYPE "CaroStatus" AS ENUM ('invitation_sent', 'active', 'problem', 'invitation_expired', 'cancelled');

-- CreateEnum
CREATE TYPE "CaroProblemReason" AS ENUM ('online_payments_disabled', 'card_not_linked_to_reference', 'debit_card', 'technical_or_data_error');

-- CreateEnum
CREATE TYPE "ConnectionStatus" AS ENUM ('connected', 'expires_soon', 'expired', 'not_connected', 'no_authorised_iban', 'account_not_found', 'access_lost', 'journal_missing');

-- CreateEnum
CREATE TYPE "CaseType" AS ENUM ('mandate', 'caro', 'connection');

-- CreateEnum
CREATE TYPE "EmailStatus" AS ENUM ('queued', 'sent', 'rejected', 'failed');

-- CreateEnum
CREATE TYPE "ApiKeyRole" AS ENUM ('accountant', 'operator', 'support');

-- CreateTable
CREATE TABLE "offices" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "contactEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "offices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "clients" (
    "id" TEXT NOT NULL,
    "officeId" TEXT NOT NULL,
    "companyName" TEXT NOT NULL,
    "enterpriseNumber" TEXT,
    "clientCode" TEXT NOT NULL,
    "email" TEXT,
    "language" "Language" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "clients_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bank_accounts" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "iban" TEXT NOT NULL,
    "bankCode" TEXT NOT NULL,
    "bankName" TEXT NOT NULL,
    "isKbcGroup" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "bank_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mandates" (
    "id" TEXT NOT NULL,
    "bankAccountId" TEXT NOT NULL,
    "managementMode" "ManagementMode" NOT NULL,
    "status" "MandateStatus" NOT NULL DEFAULT 'registered',
    "problemReason" "MandateProblemReason",
    "archiveReason" TEXT,
    "workflowId" TEXT NOT NULL,
    "reminderCount" INTEGER NOT NULL DEFAULT 0,
    "lastReminderAt" TIMESTAMPTZ(3),
    "signedAt" TIMESTAMPTZ(3),
    "activatedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "mandates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "caro_orders" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientReference" TEXT NOT NULL,
    "cardholderEmail" TEXT,
    "cardholderLanguage" "Language" NOT NULL,
    "status" "CaroStatus" NOT NULL DEFAULT 'invitation_sent',
    "problemReason" "CaroProblemReason",
    "statementsFrom" TIMESTAMPTZ(3),
    "workflowId" TEXT NOT NULL,
    "reminderCount" INTEGER NOT NULL DEFAULT 0,
    "lastReminderAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "caro_orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connections" (
    "id" TEXT NOT NULL,
    "officeId" TEXT NOT NULL,
    "clientId" TEXT,
    "ownerEmail" TEXT,
    "ownerLanguage" "Language" NOT NULL,
    "provider" TEXT NOT NULL,
    "bankName" TEXT,
    "ibans" TEXT[],
    "validUntil" TIMESTAMPTZ(3) NOT NULL,
    "status" "ConnectionStatus" NOT NULL DEFAULT 'connected',
    "fetchFrom" TIMESTAMPTZ(3),
    "usedByUser" TEXT,
    "workflowId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reminders_sent" (
    "id" TEXT NOT NULL,
    "caseType" "CaseType" NOT NULL,
    "caseId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "toAddress" TEXT,
    "sentAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reminders_sent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email_outbox" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "toAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "status" "EmailStatus" NOT NULL DEFAULT 'queued',
    "providerMessageId" TEXT,
    "error" TEXT,
    "caseType" "CaseType",
    "caseId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "email_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" TEXT NOT NULL,
    "actorKeyId" TEXT,
    "actorRole" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "details" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "officeId" TEXT,
    "revokedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "responseStatus" INTEGER NOT NULL,
    "responseBody" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "clients_officeId_companyName_idx" ON "clients"("officeId", "companyName");

-- CreateIndex
CREATE UNIQUE INDEX "clients_officeId_clientCode_key" ON "clients"("officeId", "clientCode");

-- CreateIndex
CREATE UNIQUE INDEX "clients_officeId_enterpriseNumber_key" ON "clients"("officeId", "enterpriseNumber");

-- CreateIndex
CREATE UNIQUE INDEX "bank_accounts_clientId_iban_key" ON "bank_accounts"("clientId", "iban");

-- CreateIndex
CREATE UNIQUE INDEX "mandates_bankAccountId_key" ON "mandates"("bankAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "mandates_workflowId_key" ON "mandates"("workflowId");

-- CreateIndex
CREATE INDEX "mandates_status_idx" ON "mandates"("status");

-- CreateIndex
CREATE UNIQUE INDEX "caro_orders_workflowId_key" ON "caro_orders"("workflowId");

-- CreateIndex
CREATE INDEX "caro_orders_clientId_status_idx" ON "caro_orders"("clientId", "status");

-- CreateIndex
CREATE INDEX "caro_orders_status_idx" ON "caro_orders"("status");

-- CreateIndex
CREATE UNIQUE INDEX "connections_workflowId_key" ON "connections"("workflowId");

-- CreateIndex
CREATE INDEX "connections_officeId_status_idx" ON "connections"("officeId", "status");

-- CreateIndex
CREATE INDEX "connections_clientId_idx" ON "connections"("clientId");

-- CreateIndex
CREATE INDEX "connections_validUntil_idx" ON "connections"("validUntil");

-- CreateIndex
CREATE UNIQUE INDEX "reminders_sent_caseType_caseId_kind_sequence_key" ON "reminders_sent"("caseType", "caseId", "kind", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "email_outbox_idempotencyKey_key" ON "email_outbox"("idempotencyKey");

-- CreateIndex
CREATE INDEX "email_outbox_status_createdAt_idx" ON "email_outbox"("status", "createdAt");

-- CreateIndex
CREATE INDEX "email_outbox_caseType_caseId_idx" ON "email_outbox"("caseType", "caseId");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_provider_eventId_key" ON "webhook_events"("provider", "eventId");

-- CreateIndex
CREATE INDEX "audit_events_resourceType_resourceId_idx" ON "audit_events"("resourceType", "resourceId");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE INDEX "api_keys_officeId_idx" ON "api_keys"("officeId");

-- CreateIndex
CREATE INDEX "idempotency_records_createdAt_idx" ON "idempotency_records"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_records_apiKeyId_key_key" ON "idempotency_records"("apiKeyId", "key");

-- AddForeignKey
ALTER TABLE "clients" ADD CONSTRAINT "clients_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "offices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bank_accounts" ADD CONSTRAINT "bank_accounts_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mandates" ADD CONSTRAINT "mandates_bankAccountId_fkey" FOREIGN KEY ("bankAccountId") REFERENCES "bank_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "caro_orders" ADD CONSTRAINT "caro_orders_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connections" ADD CONSTRAINT "connections_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "offices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connections" ADD CONSTRAINT "connections_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "clients"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "offices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_records" ADD CONSTRAINT "idempotency_records_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "api_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
