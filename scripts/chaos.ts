/**
 * `npm run chaos`: a fault harness. It starts a real stack as separate processes (PostgreSQL,
 * the Temporal dev server, the worker, the API, with a fake Resend inside the harness), runs N
 * journeys of each kind through the public API and the sandbox while SIGKILLing the worker, the
 * API and Temporal at random and stopping PostgreSQL for a while, then lets the stack settle and
 * reads what happened: e-mails per idempotency key (expected, delivered, lost, duplicated),
 * journeys' states, workflows failed or missing, recovery times. Non-zero exit on any loss or
 * duplicate.
 *
 *   npm run chaos -- [--journeys N] [--duration S] [--db-down S] [--seed N] [--short] [--keep]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Connection, Client } from '@temporalio/client';
import { apiEnvSchema } from '../api/env.js';
import { createApiKey } from '../lib/auth/key-store.js';
import { createPrisma } from '../lib/db/client.js';
import { applyMigrations } from '../lib/db/migrate.js';
import { provisionTemporalBinaries, resolveTemporalCli } from '../lib/temporal-binaries.js';
import { ApiClient } from './chaos/api.js';
import { startFakeResend } from './chaos/fake-resend.js';
import { driveJourney, JOURNEY_KINDS, setUpJourney, type Journey } from './chaos/journeys.js';
import { entryProcess, freePort, PostgresServer, Supervised, temporalProcess, waitUntil } from './chaos/processes.js';
import { expectedEmails, failed, judge, type Measured, type Verdict } from './chaos/verdict.js';

type Target = 'worker' | 'api' | 'temporal' | 'postgres';
const TARGETS: Target[] = ['worker', 'api', 'temporal', 'postgres'];

interface Fault {
  target: Target;
  at: number;
  restartedAt?: number;
  /** ms from the fault until /readyz answered 200 again. */
  readyMs?: number;
  /** ms from the fault until the next e-mail reached the provider after the restart. */
  nextEmailMs?: number;
}

/** mulberry32: a small seeded generator, so a run can be replayed with --seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const { values } = parseArgs({
  options: {
    journeys: { type: 'string' },
    duration: { type: 'string' },
    'db-down': { type: 'string' },
    seed: { type: 'string' },
    short: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const short = values.short ?? false;
const perKind = Number(values.journeys ?? (short ? 3 : 10));
const durationS = Number(values.duration ?? (short ? 25 : 150));
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
/** A fixed length for every database stop (the issue's outage: 120 s), instead of a random 5-25 s. */
const dbDownS = values['db-down'] === undefined ? undefined : Number(values['db-down']);
if (
  (dbDownS !== undefined && !(Number.isFinite(dbDownS) && dbDownS >= 1)) ||
  !Number.isInteger(perKind) ||
  perKind < 1 ||
  !Number.isFinite(durationS) ||
  durationS < 10 ||
  !Number.isInteger(seed)
) {
  process.stderr.write(
    'usage: npm run chaos -- [--journeys N>=1] [--duration S>=10] [--db-down S>=1] [--seed N] [--short] [--keep]\n',
  );
  process.exit(2);
}
const random = rng(seed);
const between = (min: number, max: number) => min + random() * (max - min);
const t0 = Date.now();
const progress = (line: string) =>
  process.stdout.write(`[chaos +${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);

/**
 * Short schedules in the duration settings (`20s,40s,60s`) where this code has them; otherwise the
 * whole-day names at their shortest, and the reminders are not measured (nothing is due within a
 * run). Only one name of each setting: a version that knows both refuses to boot with both set.
 */
function schedules(): { env: Record<string, string>; measured: Measured } {
  const shape = apiEnvSchema.shape as Record<string, unknown>;
  const s = short ? 10 : 20;
  const settings: [string, string, string, string][] = [
    ['CARO_REMINDERS', `${s}s,${2 * s}s,${3 * s}s`, 'CARO_REMINDER_DAYS', '1,2,3'],
    ['CARO_EXPIRY', `${4 * s}s`, 'CARO_EXPIRY_DAYS', '4'],
    ['MANDATE_REMINDERS', `${s}s,${2 * s}s,${3 * s}s`, 'MANDATE_REMINDER_DAYS', '1,2,3'],
    ['MANDATE_STALLED_AFTER', `${4 * s}s`, 'MANDATE_STALLED_AFTER_DAYS', '4'],
    ['MANDATE_BANK_LINK_ISSUE_AFTER', `${s}s`, 'MANDATE_BANK_LINK_ISSUE_DAYS', '1'],
    ['CONSENT_REMINDERS_BEFORE', `${s}s,${s / 2}s`, 'CONSENT_REMINDER_DAYS', '1'],
  ];
  const env = Object.fromEntries(
    settings.map(([name, value, days, whole]) => (name in shape ? [name, value] : [days, whole])),
  );
  return {
    env,
    measured: {
      ...('MANDATE_REMINDERS' in shape && 'MANDATE_STALLED_AFTER' in shape ? { mandateReminders: 3 } : {}),
      ...('CARO_REMINDERS' in shape && 'CARO_EXPIRY' in shape ? { caroReminders: 3 } : {}),
      ...('CONSENT_REMINDERS_BEFORE' in shape ? { consentReminders: 2 } : {}),
    },
  };
}

/** The API's own words for each 500 it answered (its `unhandled error` log lines). */
async function printUnhandled(apiLog: string): Promise<void> {
  const lines = (await readFile(apiLog, 'utf8').catch(() => '')).split('\n');
  const unhandled = lines.filter((l) => l.includes('"unhandled error"'));
  console.log(`the API's unhandled errors (${unhandled.length}):`);
  for (const line of unhandled.slice(0, 10)) {
    try {
      const entry = JSON.parse(line) as {
        requestId?: string;
        err?: { type?: string; message?: string; code?: string };
      };
      console.log(
        `  ${entry.requestId ?? '?'} ${entry.err?.type ?? ''} ${entry.err?.code ?? ''} ${(entry.err?.message ?? '').slice(0, 300)}`,
      );
    } catch {
      console.log(`  ${line.slice(0, 300)}`);
    }
  }
}

async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'chaos-'));
  const [pgPort, temporalPort, uiPort, apiPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  progress(
    `seed ${seed}, ${perKind} journeys per kind, ${durationS} s of faults${short ? ' (short)' : ''}; logs in ${dir}`,
  );
  const { env: scheduleEnv, measured } = schedules();
  progress(
    `measured: first invitations, activations, expiries; reminders: ${
      [
        measured.mandateReminders !== undefined ? 'mandate' : '',
        measured.caroReminders !== undefined ? 'CARO' : '',
        measured.consentReminders !== undefined ? 'consent' : '',
      ]
        .filter(Boolean)
        .join(', ') || 'none (this code has whole-day schedules only)'
    }`,
  );

  let active = true;
  const cleanups: (() => Promise<unknown>)[] = [];
  const resend = await startFakeResend();
  cleanups.push(() => resend.close());
  const pg = new PostgresServer(dir, pgPort);
  const processes = new Map<Target, Supervised>();
  const faults: Fault[] = [];
  /** The part the chaos loop is holding down right now: not restarted by the crash handler. */
  let holding: Target | undefined;
  let exitCode = 1;
  let serverErrors = 0;
  // Ctrl-C or a CI timeout: nothing of the stack may outlive the harness.
  const abandon = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping the stack; logs kept in ${dir}`);
    for (const proc of processes.values()) proc.killNow();
    void pg.stopIfRunning().finally(() => process.exit(130));
  };
  process.once('SIGINT', abandon);
  process.once('SIGTERM', abandon);
  process.once('exit', () => {
    for (const proc of processes.values()) proc.killNow();
  });
  try {
    await pg.init();
    await pg.start();
    cleanups.push(() => pg.stopIfRunning());
    progress(`PostgreSQL on port ${pgPort}`);
    await applyMigrations(pg.url);
    const prisma = createPrisma(pg.url, { maxConnections: 2 });
    cleanups.push(() => prisma.$disconnect());
    const { key } = await createApiKey(prisma, { name: 'chaos operator', role: 'operator' });

    const cli = resolveTemporalCli() ?? (await provisionTemporalBinaries({ log: progress })).cli;
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    const common = {
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: 'chaos',
      LOG_LEVEL: 'info',
      DATABASE_POOL_MAX: '5',
      MIGRATE_ON_START: 'false',
      // A start left unconfirmed by a fault is finished within half a minute, not two: inside the settle time.
      RECONCILER_INTERVAL_SECONDS: '10',
      RECONCILER_MIN_AGE_SECONDS: '15',
      ...scheduleEnv,
    };
    const onCrash = (name: string, code: number | null, signal: NodeJS.Signals | null) => {
      progress(`${name} exited on its own (${signal ?? `code ${code}`}): restarting it`);
      const proc = processes.get(name as Target);
      if (!proc || !active) return;
      void delay(1_000).then(() => {
        if (holding !== name && !proc.running && active) proc.start();
      });
    };
    const add = (target: Target, spawnChild: () => ChildProcess) => {
      const proc = new Supervised(target, spawnChild, join(dir, `${target}.log`), onCrash);
      processes.set(target, proc);
      cleanups.push(async () => {
        await proc.stop();
        proc.close();
      });
      return proc;
    };
    // Stopped in reverse order: API, worker, then Temporal.
    const temporalProc = add('temporal', temporalProcess(cli, join(dir, 'temporal.db'), temporalPort, uiPort));
    const temporalUp = async () => {
      const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    };
    temporalProc.start();
    await waitUntil('Temporal dev server', temporalUp, 90_000);
    progress(`Temporal dev server on ${temporalAddress}`);

    add(
      'worker',
      entryProcess('workers/main.ts', {
        ...common,
        RESEND_API_KEY: resend.apiKey,
        RESEND_BASE_URL: resend.url,
        WORKER_SHUTDOWN_GRACE_SECONDS: '2',
      }),
    ).start();
    add(
      'api',
      entryProcess('api/main.ts', {
        ...common,
        PORT: String(apiPort),
        HOST: '127.0.0.1',
        RATE_LIMIT_PER_MINUTE: '1000000',
        TEMPORAL_RPC_TIMEOUT_MS: '5000',
        SHUTDOWN_TIMEOUT_MS: '2000',
      }),
    ).start();
    const apiBase = `http://127.0.0.1:${apiPort}`;
    const ready = async () => (await fetch(`${apiBase}/readyz`, { signal: AbortSignal.timeout(6_000) })).status === 200;
    await waitUntil('the API /readyz', ready, 120_000);
    progress(`API ready on ${apiBase}; worker started`);

    const api = new ApiClient(apiBase, key, () => active);
    const journeys: Journey[] = JOURNEY_KINDS.flatMap((kind) =>
      Array.from({ length: perKind }, (_, n): Journey => {
        const reminders =
          kind === 'mandate' ? measured.mandateReminders : kind === 'caro' ? measured.caroReminders : undefined;
        const idle = reminders !== undefined && n % 3 === 2;
        return {
          kind,
          n,
          idle,
          renew: kind === 'connection' && n % 2 === 1,
          expectedStatus:
            kind === 'mandate'
              ? idle
                ? 'sent_to_client'
                : 'active'
              : kind === 'caro'
                ? idle
                  ? 'invitation_expired'
                  : 'active'
                : 'expired',
          outcome: 'pending',
          notes: [],
          setup: {},
        };
      }),
    );
    const tag = seed.toString(36).toUpperCase();
    const deadlineSeconds = short ? 25 : Math.min(Math.max(durationS * 0.5, 30), 120);
    const drive = { api, tag, deadlineSeconds, log: progress, active: () => active };
    for (let i = 0; i < journeys.length; i += 6)
      await Promise.all(journeys.slice(i, i + 6).map((j) => setUpJourney(j, drive)));
    progress(`set up ${journeys.length} journeys' offices, clients and accounts`);

    // Faults: every part once in a seeded order, then at random, one at a time, until --duration is
    // over. The short run kills the worker first, as the first journeys are ordered: an activity in
    // flight on a killed worker waits out its start-to-close timeout (1 min) and the first retry
    // interval (30 s), which alone would take the short run past 2 minutes; the full run kills it
    // mid-journey.
    const chaosEnd = Date.now() + durationS * 1000;
    const shuffled = [...TARGETS].sort(() => random() - 0.5);
    const order = short ? ['worker' as const, ...shuffled.filter((t) => t !== 'worker')] : shuffled;
    const chaos = (async () => {
      for (let i = 0; Date.now() < chaosEnd || i < TARGETS.length; i++) {
        await delay(short && i === 0 ? 0 : between(short ? 3_000 : 6_000, short ? 6_000 : 15_000));
        if (Date.now() >= chaosEnd && i >= TARGETS.length) break;
        const target = order[i] ?? TARGETS[Math.floor(random() * TARGETS.length)]!;
        const fault: Fault = { target, at: Date.now() };
        faults.push(fault);
        holding = target;
        if (target === 'postgres') {
          const downMs =
            dbDownS !== undefined ? dbDownS * 1000 : between(short ? 5_000 : 10_000, short ? 8_000 : 25_000);
          progress(`stopping PostgreSQL (pg_ctl stop -m fast) for ${(downMs / 1000).toFixed(0)} s`);
          await pg.stop();
          pg.stops += 1;
          await delay(downMs);
          await pg.start();
        } else {
          const proc = processes.get(target)!;
          progress(`SIGKILL ${target}`);
          await proc.kill();
          await delay(between(500, short ? 2_000 : 5_000));
          proc.start();
        }
        fault.restartedAt = Date.now();
        holding = undefined;
        await waitUntil(`/readyz after the ${target} fault`, ready, 180_000);
        fault.readyMs = Date.now() - fault.at;
        if (target === 'temporal') await waitUntil('Temporal', temporalUp, 60_000);
        progress(`${target} back: /readyz 200 ${(fault.readyMs / 1000).toFixed(1)} s after the fault`);
      }
    })();

    const spread = (durationS * 1000 * 0.4) / journeys.length;
    const order2 = [...journeys].sort(() => random() - 0.5);
    const driving = Promise.all(
      order2.map(async (j, i) => {
        await delay(i * spread);
        await driveJourney(j, drive);
      }),
    );
    await chaos;
    progress(`faults over (${faults.length}); waiting for the journeys to finish`);
    const settleMs = short ? 75_000 : 240_000;
    const settled = await Promise.race([driving.then(() => true), delay(settleMs).then(() => false)]);
    if (!settled) progress(`journeys still running after ${settleMs / 1000} s: judging as they are`);
    // Let the last e-mails go out: until every journey's expected e-mails were sent (an idle journey's
    // reminders come 10 s apart, longer than a quiet spell), the outbox has nothing open and the provider
    // saw nothing new for 5 s; or a minute has passed, and what is missing is judged lost.
    const stillExpected = async () => {
      let missing = 0;
      for (const j of journeys.filter((journey) => journey.id !== undefined))
        for (const [template, count] of Object.entries(expectedEmails(j, measured))) {
          const sent = await prisma.emailOutbox.count({ where: { caseId: j.id!, template, status: 'sent' } });
          missing += Math.max(0, count - sent);
        }
      return missing;
    };
    const quietDeadline = Date.now() + 60_000;
    for (;;) {
      const open = await prisma.emailOutbox.count({ where: { status: { in: ['queued', 'failed'] } } });
      const last = resend.deliveries.at(-1)?.at ?? 0;
      const quiet = open === 0 && Date.now() - last > 5_000;
      if ((quiet && (await stillExpected()) === 0) || Date.now() > quietDeadline) break;
      await delay(1_000);
    }
    active = false;
    await driving.catch(() => undefined);

    for (const fault of faults) {
      const next = resend.deliveries.find((d) => d.at > (fault.restartedAt ?? fault.at));
      if (next) fault.nextEmailMs = next.at - fault.at;
    }
    const connection = await Connection.connect({ address: temporalAddress });
    cleanups.push(() => connection.close());
    const verdict = await judge({
      prisma,
      temporal: new Client({ connection, namespace: 'default' }),
      journeys,
      deliveries: resend.deliveries,
      measured,
    });
    printReport({ journeys, faults, processes, pgStops: pg.stops, verdict, api, measured });
    serverErrors = api.stats.serverErrors;
    if (serverErrors > 0) await printUnhandled(join(dir, 'api.log'));
    exitCode = failed(verdict) ? 1 : 0;
  } catch (error) {
    progress(`harness error: ${error instanceof Error ? error.message : String(error)}`);
    exitCode = 2;
  } finally {
    active = false;
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    // A 500 is a defect even when nothing was lost: its logs stay for a look.
    if (exitCode === 0 && !values.keep && serverErrors === 0) await rm(dir, { recursive: true, force: true });
    else progress(`logs kept in ${dir}`);
  }
  return exitCode;
}

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

function printReport(r: {
  journeys: Journey[];
  faults: Fault[];
  processes: Map<Target, Supervised>;
  pgStops: number;
  verdict: Verdict;
  api: ApiClient;
  measured: Measured;
}): void {
  const { verdict: v } = r;
  const out: string[] = ['', '== chaos report =='];
  out.push(
    `seed ${seed}  (again: npm run chaos -- --seed ${seed} --journeys ${perKind} --duration ${durationS}${short ? ' --short' : ''})`,
  );
  for (const kind of JOURNEY_KINDS) {
    const of = r.journeys.filter((j) => j.kind === kind);
    const done = of.filter((j) => j.outcome === 'done').length;
    out.push(
      `journeys ${kind.padEnd(10)} ${of.length} (finished ${done}, idle for reminders ${of.filter((j) => j.idle).length}${kind === 'connection' ? `, renewed ${of.filter((j) => j.renew).length}` : ''})`,
    );
  }
  const kills = TARGETS.filter((t) => t !== 'postgres').map(
    (t) => `${t} ${r.faults.filter((f) => f.target === t).length}`,
  );
  out.push(`kills (SIGKILL)     ${kills.join(', ')}`);
  out.push(`database stops      ${r.pgStops}`);
  const crashes = [...r.processes.values()].filter((p) => p.crashes > 0).map((p) => `${p.name} ${p.crashes}`);
  out.push(`exits on their own  ${crashes.join(', ') || 'none'}`);
  out.push(
    `e-mails             expected ${v.expected}, delivered ${v.delivered}, lost ${v.lost.length}, duplicated ${v.duplicated.length}` +
      ` (re-posts under the same key, answered by the provider's idempotency: ${v.replayedPosts})`,
  );
  out.push(
    `consent reminders   ${v.consentReminders}${r.measured.consentReminders !== undefined ? ` (expected ${v.consentRemindersExpected})` : ' (schedule in whole days: not measured)'}; after a renewal: ${v.remindersAfterRenewal.length}`,
  );
  out.push(
    `outbox not sent     ${v.unsent.length}; marked sent but never delivered: ${v.sentWithoutDelivery.length}; key conflicts: ${v.conflicts.length}`,
  );
  out.push(
    `journey states      wrong ${v.wrongState.length}, not finished ${v.journeysNotFinished.length}, duplicate cases ${v.duplicateCases.length}`,
  );
  out.push(
    `workflows           failed ${v.workflowsFailed.length}, missing for a row ${v.workflowsMissing.length}, without a row ${v.workflowsWithoutRow.length}`,
  );
  out.push(
    `API                 ${r.api.stats.calls} calls, ${r.api.stats.retries} retried, 503 ${r.api.stats.unavailable}, 500 ${r.api.stats.serverErrors}`,
  );
  out.push('recovery            fault        /readyz 200   next e-mail');
  for (const f of r.faults)
    out.push(`                    ${f.target.padEnd(12)} ${seconds(f.readyMs).padEnd(13)} ${seconds(f.nextEmailMs)}`);
  const ready = r.faults.map((f) => f.readyMs).filter((ms): ms is number => ms !== undefined);
  if (ready.length) out.push(`                    longest /readyz recovery ${seconds(Math.max(...ready))}`);
  const during = (at: number) => {
    const fault = r.faults.find((f) => at >= f.at && at <= f.at + (f.readyMs ?? 0) + 2_000);
    return fault ? `during the ${fault.target} fault` : 'with every part up';
  };
  const errors = new Map<string, number>();
  for (const e of r.api.stats.serverErrorLog) {
    const line = `${e.route} ${during(e.at)}`;
    errors.set(line, (errors.get(line) ?? 0) + 1);
  }
  const detail = (title: string, lines: string[]) => {
    if (lines.length) out.push(`${title}:`, ...lines.slice(0, 20).map((l) => `  ${l}`));
  };
  const describe = (p: Verdict['lost'][number]) =>
    `${p.journey} ${p.template}: expected ${p.expected}, delivered ${p.delivered} [${p.keys.join(', ')}]`;
  detail(
    '500 answers',
    [...errors].map(([line, count]) => `${count} x ${line}`),
  );
  detail('LOST', v.lost.map(describe));
  detail('DUPLICATED', v.duplicated.map(describe));
  detail(
    'outbox rows not sent',
    v.unsent.map((u) => `${u.key}: ${u.status}`),
  );
  detail('marked sent, never delivered', v.sentWithoutDelivery);
  detail('key conflicts', v.conflicts);
  detail('reminders after a renewal', v.remindersAfterRenewal);
  detail('journeys not finished', v.journeysNotFinished);
  detail('duplicate cases', v.duplicateCases);
  detail('wrong states', v.wrongState);
  detail('workflows failed', v.workflowsFailed);
  detail('workflows missing', v.workflowsMissing);
  detail('workflows without a row', v.workflowsWithoutRow);
  detail(
    'fallbacks taken',
    r.journeys.filter((j) => j.notes.length).map((j) => `${j.kind} #${j.n}: ${j.notes.join('; ')}`),
  );
  out.push(failed(v) ? 'RESULT: FAILED' : 'RESULT: OK (0 lost, 0 duplicated)', '');
  process.stdout.write(`${out.join('\n')}\n`);
}

process.exit(await main());
