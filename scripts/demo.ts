/**
 * `npm run demo`: walks all three journeys through the public API and the sandbox, the way an
 * office, its clients and the providers would, and checks each step as the API reports it:
 * one mandate on each path, CARO (success, each failure reason with replay, expiry), consent
 * (reminders and expiry, a renewal that drops a pending reminder). One line per step as it goes,
 * then a table: each step, when it was expected, its deadline, when it happened. Exits 1 when a
 * step did not happen in time.
 *
 *   npm run demo                                  # starts its own stack with short schedules
 *   npm run demo -- --api URL --key KEY           # a running stack (or API_URL, BANKFEED_API_KEY)
 *   options: --grace S (default 30), --horizon S (default 300), --consent-deadline S (default 45), --keep
 */
import { parseArgs } from 'node:util';
import { DemoApi, DemoError } from './demo/api.js';
import { consentRenewal, oldReminderAfterRenewal } from './demo/consent.js';
import type { DemoContext } from './demo/context.js';
import { DEMO_JOURNEYS } from './demo/journeys.js';
import { DEMO_CONSENT_DEADLINE_MS, launchOwnStack, type OwnStack } from './demo/stack.js';
import { JourneyWalk, renderTable, StepMissed, type WalkOptions } from './demo/steps.js';

const USAGE = `usage: npm run demo [-- --api URL --key KEY] [--grace S] [--horizon S] [--consent-deadline S] [--keep]
  without --api (and API_URL): starts its own stack (npm start) with short schedules, stops it at the end
  --api, --key        a running stack and an operator key (or API_URL, BANKFEED_API_KEY)
  --grace S           how long after its expected time a step may happen (default 30)
  --horizon S         a step planned further ahead fails at once: the stack's schedules are too long (default 300)
  --consent-deadline S  consents are created this far from their deadline (default 45)
  --keep              keep the own stack's log and data (kept anyway when the demo fails)
`;

function args() {
  try {
    return parseArgs({
      options: {
        api: { type: 'string' },
        key: { type: 'string' },
        grace: { type: 'string', default: '30' },
        horizon: { type: 'string', default: '300' },
        'consent-deadline': { type: 'string' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = args();

const seconds = (name: string, value: string | undefined, fallbackMs: number): number => {
  if (value === undefined) return fallbackMs;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`--${name} takes a number of seconds (got "${value}")\n`);
    process.exit(2);
  }
  return n * 1000;
};

const startedAt = Date.now();
const log = (line: string) =>
  process.stdout.write(`[demo +${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);

async function main(): Promise<number> {
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const options: WalkOptions = {
    graceMs: seconds('grace', values.grace, 30_000),
    horizonMs: seconds('horizon', values.horizon, 300_000),
    pollMs: 1_000,
    log,
    startedAt,
  };
  const consentDeadlineMs = seconds('consent-deadline', values['consent-deadline'], DEMO_CONSENT_DEADLINE_MS);
  const apiUrl = values.api ?? process.env.API_URL;
  const key = values.key ?? process.env.BANKFEED_API_KEY;
  if (Boolean(apiUrl) !== Boolean(key)) {
    process.stderr.write('give both the API (--api or API_URL) and an operator key (--key or BANKFEED_API_KEY)\n');
    return 2;
  }
  let own: OwnStack | undefined;
  let active = true;
  let stopping: Promise<void> | undefined;
  /** Once, whoever asks first (the end of the walk, a failure, a signal); the others wait for the same stop. */
  const stop = (keep: boolean) =>
    (stopping ??= (async () => {
      active = false;
      if (!own) return;
      log('stopping the stack');
      await own.stop({ keep });
      if (keep) log(`the stack's log and data are kept: ${own.logFile}`);
    })());
  // Ctrl-C: nothing the demo started outlives it.
  for (const name of ['SIGINT', 'SIGTERM'] as const)
    process.once(name, () => {
      interrupted = true;
      log(`${name}: stopping`);
      void stop(false).finally(() => process.exit(130));
    });
  process.once('exit', () => own?.killNow());

  try {
    if (!apiUrl || !key) {
      own = await launchOwnStack(log);
      await own.ready();
    }
    const target = own ? { apiUrl: own.apiUrl, key: own.key } : { apiUrl: apiUrl!.replace(/\/+$/, ''), key: key! };
    const api = new DemoApi(target, () => active);
    const ready = await fetch(`${target.apiUrl}/readyz`, { signal: AbortSignal.timeout(10_000) }).then(
      (res) => res.status,
      (error: unknown) => `unreachable (${(error as Error).message})`,
    );
    if (ready !== 200) throw new DemoError(`the API at ${target.apiUrl} is not ready: /readyz ${ready}`);
    log(`walking the journeys against ${target.apiUrl}`);
    const tag = Date.now().toString(36).slice(-6).toUpperCase();
    const officeId = await api.create(
      '/v1/offices',
      { name: `Demo office ${tag}`, language: 'nl', contactEmail: 'office@example.be' },
      'id',
    );
    const supportKey = (await api.expect(
      'POST',
      '/v1/api-keys',
      { name: `demo ${tag} support`, role: 'support' },
      [201],
    )) as { key?: string };
    if (!supportKey.key) throw new DemoError('POST /v1/api-keys: no key in the answer');
    const ctx: DemoContext = {
      api,
      support: api.as(supportKey.key),
      tag,
      officeId,
      options,
      consentDeadlineMs,
    };

    const walks = DEMO_JOURNEYS.map((j) => new JourneyWalk(j.name, j.steps, options));
    await Promise.all(
      DEMO_JOURNEYS.map(async (journey, i) => {
        const walk = walks[i]!;
        try {
          await journey.run(ctx, walk);
          walk.close();
        } catch (error) {
          if (error instanceof StepMissed) return walk.close();
          const why = error instanceof Error ? error.message : String(error);
          log(`FAIL ${journey.name}: ${why}`);
          walk.close(why);
        }
      }),
    );
    // No reminder of a renewed deadline, ever: looked at once more now that everything else is over.
    if (await oldReminderAfterRenewal(ctx))
      walks[DEMO_JOURNEYS.indexOf(consentRenewal)]!.overturn(
        'pending reminder of the old deadline dropped',
        'a reminder of the old deadline went out after the renewal',
      );

    const records = walks.flatMap((w) => w.records);
    const happened = records.filter((r) => r.outcome === 'happened').length;
    process.stdout.write(`\n${renderTable(records, startedAt)}\n\n`);
    const wall = ((Date.now() - startedAt) / 1000).toFixed(1);
    const ok = happened === records.length;
    process.stdout.write(
      `${ok ? 'RESULT: OK' : 'RESULT: FAILED'}: ${happened} of ${records.length} steps happened within their deadline` +
        ` (grace ${options.graceMs / 1000}s); wall time ${wall}s\n`,
    );
    await stop(values.keep === true || !ok);
    return ok ? 0 : 1;
  } catch (error) {
    if (!interrupted) log(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    await stop(true).catch(() => undefined);
    return 1;
  }
}

/** Set by Ctrl-C: the walk's own failures from then on are not reported, and the exit is 130. */
let interrupted = false;
const code = await main();
process.exit(interrupted ? 130 : code);
