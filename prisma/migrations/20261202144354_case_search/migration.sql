-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "unaccent";

-- AlterTable
ALTER TABLE "clients" ADD COLUMN     "searchName" text;

-- CreateIndex
CREATE INDEX "clients_searchName_idx" ON "clients" USING GIN ("searchName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "clients_enterpriseNumber_idx" ON "clients"("enterpriseNumber");

-- CreateIndex
CREATE INDEX "clients_clientCode_idx" ON "clients"("clientCode");

-- CreateIndex
CREATE INDEX "bank_accounts_iban_idx" ON "bank_accounts"("iban");

-- CreateIndex
CREATE INDEX "caro_orders_clientReference_idx" ON "caro_orders"("clientReference");

-- CreateIndex
CREATE INDEX "connections_ibans_idx" ON "connections" USING GIN ("ibans");

-- The search name: the company name in lower case without accents, written by the database on
-- every insert and name change, whoever writes the row (the API, a script, a test).
-- The body is an E'' string with \073 for each semicolon: Prisma's migrate deploy splits a script on
-- semicolons, inside dollar quotes too.
CREATE FUNCTION "clients_search_name"() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN NEW."searchName" := lower(public.unaccent(NEW."companyName"))\073 RETURN NEW\073 END';

CREATE TRIGGER "clients_search_name" BEFORE INSERT OR UPDATE OF "companyName" ON "clients"
  FOR EACH ROW EXECUTE FUNCTION "clients_search_name"();

UPDATE "clients" SET "searchName" = lower(unaccent("companyName"));
