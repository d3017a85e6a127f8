// Prisma 7 reads the datasource URL from here, not from schema.prisma.
// DATABASE_URL may be unset: `prisma generate` does not need it.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL },
});
