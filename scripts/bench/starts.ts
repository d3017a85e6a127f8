/**
 * `npm run bench -- starts`: every order route with one item (POST /v1/connections, POST
 * /v1/mandates, POST /v1/caro-orders) against raw `client.workflow.start` on the same Temporal dev
 * server and task queue, the real worker running, on PGlite and on PostgreSQL (issue 15 §1: ≥ 0.9×).
 * The raw starts run before and after the routes; the limit is their mean. The mandate and CARO
 * routes are also measured against raw starts of their own workflow (rows written beforehand), run
 * just before each: that limit includes what the workflow itself costs the machine, which the raw
 * consent start does not. BENCH_REQUESTS (300) per case, BENCH_CONCURRENCY (32).
 *
 * Each figure comes with the CPU a start cost the machine over its span, split over the bench's process (the
 * API, the worker and the clients: the stack runs in it), Temporal's server and PostgreSQL (scripts/bench/cpu.ts).
 * With the machine busy all the time, a route's ratio is about its limit's CPU per start over its own.
 */
import { cpuSpan, describeCpu, type CpuSpan } from './cpu.js';
import { measure as measureRate, verdict, type Figures } from './shared.js';
import { onEachDatabase, type OrderStack } from './stack.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

type Measured = Figures & { cpu: CpuSpan | undefined };

/** `measure` with the CPU a request cost the machine over the same span. */
async function measure(run: (i: number) => Promise<void>, requests: number, concurrency: number): Promise<Measured> {
  const span = await cpuSpan();
  const f = await measureRate(run, requests, concurrency);
  return { ...f, cpu: await span.end(requests) };
}

async function run(stack: OrderStack): Promise<string[]> {
  const accounts = await stack.accounts(REQUESTS * 2);
  const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString();
  // The journey whose own workflow a route is also measured against (the consent's is the raw start itself).
  const cases: [string, (i: number) => Promise<unknown>, ('mandate' | 'caro')?][] = [
    [
      'POST /v1/connections',
      () =>
        stack.tolerant('/v1/connections', {
          officeId: stack.officeId,
          provider: 'ponto',
          ownerLanguage: 'fr',
          ibans: ['BE68539007547034'],
          validUntil,
        }),
    ],
    [
      'POST /v1/mandates (one account)',
      (i) => stack.tolerant('/v1/mandates', { bankAccountIds: [accounts[i]!.accountId], managementMode: 'service' }),
      'mandate',
    ],
    [
      'POST /v1/caro-orders (one order)',
      (i) => {
        const { clientId, accountId } = accounts[REQUESTS + i]!;
        return stack.tolerant('/v1/caro-orders', {
          orders: [
            {
              clientId,
              bankAccountId: accountId,
              clientReference: `4-${i}`,
              cardholderEmail: 'holder@example.be',
              cardholderLanguage: 'fr',
            },
          ],
        });
      },
      'caro',
    ],
  ];
  const raw = () => measure(() => stack.rawStart(), REQUESTS, CONCURRENCY);
  await measureRate(() => stack.rawStart(), 50, CONCURRENCY); // warm up the client, server and worker
  const before = await raw();
  await stack.settle();
  const routes: [string, Measured, string, Measured | undefined][] = [];
  for (const [name, request, journey] of cases) {
    // Raw starts of the route's own workflow, just before it: its rows are written before the clock.
    const own = journey ? await measure(await stack.rawStarts(journey, REQUESTS), REQUESTS, CONCURRENCY) : undefined;
    await stack.settle();
    stack.failures.count = 0;
    delete stack.failures.first;
    const f = await measure(
      async (i) => {
        await request(i);
      },
      REQUESTS,
      CONCURRENCY,
    );
    // Only the answered orders count: a 5xx started nothing the caller can rely on.
    const ok = (REQUESTS - stack.failures.count) / REQUESTS;
    routes.push([
      name,
      { ...f, reqPerSec: f.reqPerSec * ok },
      stack.failures.count ? `  ${stack.failures.count} answers 5xx, first: ${stack.failures.first}` : '',
      own,
    ]);
    await stack.settle();
  }
  const after = await raw();
  const limit = (before.reqPerSec + after.reqPerSec) / 2;
  const lines = [
    `${stack.label}: raw client.workflow.start ${before.reqPerSec.toFixed(1)}/s before, ${after.reqPerSec.toFixed(1)}/s after (p50 ${before.p50.toFixed(0)}/${after.p50.toFixed(0)} ms)`,
    `  CPU a raw start: ${describeCpu(before.cpu)} before; ${describeCpu(after.cpu)} after`,
    ...routes.flatMap(([name, f, failed, own]) => [
      `${verdict(`${stack.label} ${name}`, f.reqPerSec, limit, 'starts/s', '≥ 0.9×')}  p50 ${f.p50.toFixed(0)} ms${failed}`,
      `  CPU an order: ${describeCpu(f.cpu)}`,
      ...(own
        ? [
            `  against raw starts of its own workflow (${own.reqPerSec.toFixed(1)}/s, p50 ${own.p50.toFixed(0)} ms): ${(f.reqPerSec / own.reqPerSec).toFixed(2)}×`,
            `  CPU a raw start of its own workflow: ${describeCpu(own.cpu)}`,
          ]
        : []),
    ]),
  ];
  console.log(lines.join('\n'));
  return lines;
}

const blocks = await onEachDatabase('bench starts', run);
console.log(`\nbench starts: ${REQUESTS} requests per case, concurrency ${CONCURRENCY}, Node ${process.version}`);
for (const block of blocks) console.log(block.join('\n'));
