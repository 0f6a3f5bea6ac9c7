import { defineConfig } from 'prisma/config'

// Prisma 7 keeps the connection URL here, not in schema.prisma, and does not load .env.
// process.env rather than env(): env() throws when unset, which would break `prisma generate` in CI.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
})
