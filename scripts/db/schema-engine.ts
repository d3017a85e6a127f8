// The only place that touches @prisma/schema-engine-wasm: an internal Prisma API that changes
// between versions. Its npm releases do not follow prisma's: pin the one nearest to the
// installed prisma (prisma 7.10.1 was built against 8.1.0-1.d1b3f377…, never published). Used offline (dev, tests) to
// turn schema.prisma changes into migration SQL; never at run time (lib/db/migrate.ts applies
// migrations without it).
//
// The engine wants a reachable Postgres even to diff two datamodels; by default an in-memory
// embedded one is started for the call. Diffing from a live database or from the migrations
// folder does not work with this build (its introspection fails on the `"char"` type).
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type * as EngineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { EMBEDDED_POOL_MAX, isEmbeddedUrl, startEmbeddedPostgres } from '../../lib/db/embedded.js';

type Bindings = typeof EngineBindings;
type SchemaEngine = EngineBindings.SchemaEngine;

let bindings: Promise<Bindings> | undefined;

// tsconfig's lib has no DOM, where the WebAssembly global is declared.
interface Wasm {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: Wasm };

// A plain import of the package fails on its `import * from "./x.wasm"`: instantiate by hand.
function load(): Promise<Bindings> {
  return (bindings ??= (async () => {
    const bgPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg: Bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(bgPath), 'schema_engine_bg.wasm'));
    const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })());
}

export async function schemaEngineVersion(): Promise<string> {
  return (await load()).version();
}

/** Runs `fn` with an engine connected to `url`, or to a throwaway in-memory Postgres. */
async function withEngine<T>(schema: string, url: string | undefined, fn: (e: SchemaEngine) => Promise<T>): Promise<T> {
  const bg = await load();
  const embedded = url ? undefined : await startEmbeddedPostgres();
  const connectionString = url ?? embedded!.url;
  const pgFactory = new PrismaPg({ connectionString, max: isEmbeddedUrl(connectionString) ? EMBEDDED_POOL_MAX : 2 });
  // The engine does not close what it opens: keep the connections to dispose of them.
  const opened: SqlDriverAdapter[] = [];
  const track = async (p: Promise<SqlDriverAdapter>) => {
    const adapter = await p;
    opened.push(adapter);
    return adapter;
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: pgFactory.provider,
    adapterName: pgFactory.adapterName,
    connect: () => track(pgFactory.connect()),
    connectToShadowDb: () => track(pgFactory.connectToShadowDb()),
  };
  const logs: string[] = [];
  let engine: SchemaEngine | undefined;
  try {
    engine = await bg.SchemaEngine.new(
      { datamodels: [['schema.prisma', schema]] },
      (line: string) => logs.push(line),
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    return await fn(engine);
  } catch (error) {
    if (process.env.DEBUG_SCHEMA_ENGINE) console.error(logs.join(''));
    throw error;
  } finally {
    engine?.free();
    await Promise.allSettled(opened.map((a) => a.dispose()));
    await embedded?.stop();
  }
}

export interface DiffOptions {
  /** Postgres the engine may connect to; default: a fresh in-memory embedded one. */
  url?: string;
}

/**
 * Migration SQL that takes a database from schema `from` (null = empty database) to schema `to`,
 * exactly as `prisma migrate diff --script` would print it.
 */
export async function diffSchemas(from: string | null, to: string, opts: DiffOptions = {}): Promise<string> {
  return withEngine(to, opts.url, async (engine) => {
    const result = await engine.diff({
      from:
        from === null
          ? { tag: 'empty' }
          : { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: from }] },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: to }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? '';
  });
}

/**
 * What `prisma migrate deploy` does: applies the pending migrations of `migrationsDir` to the
 * database at `url` and returns their names. Used by tests to prove lib/db/migrate.ts writes
 * the same history as Prisma.
 */
export async function prismaMigrateDeploy(url: string, migrationsDir: string, schema: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    dirs.map(async (path) => ({
      path,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: await readFile(join(migrationsDir, path, 'migration.sql'), 'utf8') },
      },
    })),
  );
  const lockPath = join(migrationsDir, 'migration_lock.toml');
  const lock = await readFile(lockPath, 'utf8').catch(() => null);
  return withEngine(schema, url, async (engine) => {
    const out = await engine.applyMigrations({
      migrationsList: {
        baseDir: migrationsDir,
        lockfile: { path: lockPath, content: lock },
        shadowDbInitScript: '',
        migrationDirectories,
      },
      filters: { externalTables: [], externalEnums: [] },
    });
    return out.appliedMigrationNames;
  });
}

/** True when a diff script holds nothing but comments ("-- This is an empty migration."). */
export function isEmptyMigration(sql: string): boolean {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}
