#!/usr/bin/env node
// Runs `prisma generate` (postinstall, db:generate). Plain JS: it runs before anything is built.
//
// The Prisma 7 CLI wants the schema-engine binary present before any command, and downloads
// it when missing; `generate` never uses it. Where that download cannot work (offline, or a
// registry-only network), point PRISMA_SCHEMA_ENGINE_BINARY at an existing file so generate
// runs. Commands that do need the engine (`prisma migrate deploy`) are unaffected: they are
// run without this script and download the engine where the network allows.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let prismaDir;
try {
  prismaDir = dirname(require.resolve('prisma/package.json'));
} catch {
  // e.g. `npm ci --omit=dev`: the client must then have been generated at build time.
  console.warn('[db:generate] the prisma CLI is not installed; skipping prisma generate');
  process.exit(0);
}

function hasEngineBinary() {
  const dirs = [prismaDir];
  try {
    dirs.push(dirname(require.resolve('@prisma/engines/package.json', { paths: [prismaDir] })));
  } catch {
    // not installed separately: only the CLI's own folder counts
  }
  return dirs.some((d) => existsSync(d) && readdirSync(d).some((f) => f.startsWith('schema-engine-')));
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !hasEngineBinary()) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(import.meta.url);
}
env.CHECKPOINT_DISABLE ??= '1'; // no telemetry/update check over the network

const cli = join(prismaDir, 'build', 'index.js');
const result = spawnSync(process.execPath, [cli, 'generate', ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
