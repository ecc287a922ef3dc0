import { defineConfig } from 'drizzle-kit';

// Only `npm run db:generate` reads this (to write SQL migrations from src/db/schema.ts); no database needed.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
