/**
 * `npm run bench -- starts`: every order route with one item (POST /v1/connections, POST
 * /v1/mandates, POST /v1/caro-orders) against raw `client.workflow.start` on the same Temporal dev
 * server and task queue, the real worker running, on PGlite and on PostgreSQL (issue 15 §1: ≥ 0.9×).
 * The raw starts run before and after the routes; the limit is their mean. The mandate and CARO
 * routes are also measured against raw starts of their own workflow (rows written beforehand), run
 * just before each: that limit includes what the workflow itself costs the machine, which the raw
 * consent start does not. BENCH_REQUESTS (300) per case, BENCH_CONCURRENCY (32).
 *
 * Each figure comes with the CPU a start cost the machine from its case's start until the worker caught up,
 * split over the bench's process (the API, the worker and the clients: the stack runs in it), Temporal's
 * server and PostgreSQL (scripts/bench/cpu.ts).
 */
import { describeCpu, withCpu, type CpuSpan } from './cpu.js';
import { measure as measureRate, verdict, type Figures } from './shared.js';
import { onEachDatabase, type OrderStack } from './stack.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

type Measured = Figures & { cpu: CpuSpan | undefined };

/**
 * `measure`, then `settle` (the worker catching up), with the CPU a request cost the machine from its start
 * to the end of both: what a start costs, its workflow's first steps included (a raw start's workflow runs
 * mostly after its fast span, a route's inside its longer one).
 */
async function measure(
  run: (i: number) => Promise<void>,
  requests: number,
  concurrency: number,
  settle: () => Promise<void>,
): Promise<Measured> {
  const { result, cpu } = await withCpu(requests, async () => {
    const f = await measureRate(run, requests, concurrency);
    await settle();
    return f;
  });
  return { ...result, cpu };
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
  const settle = () => stack.settle();
  const raw = () => measure(() => stack.rawStart(), REQUESTS, CONCURRENCY, settle);
  await measureRate(() => stack.rawStart(), 50, CONCURRENCY); // warm up the client, server and worker
  await settle();
  const before = await raw();
  const routes: [string, Measured, string, Measured | undefined][] = [];
  for (const [name, request, journey] of cases) {
    // Raw starts of the route's own workflow, just before it: its rows are written before the clock.
    const own = journey
      ? await measure(await stack.rawStarts(journey, REQUESTS), REQUESTS, CONCURRENCY, settle)
      : undefined;
    stack.failures.count = 0;
    delete stack.failures.first;
    const f = await measure(
      async (i) => {
        await request(i);
      },
      REQUESTS,
      CONCURRENCY,
      settle,
    );
    // Only the answered orders count: a 5xx started nothing the caller can rely on.
    const ok = (REQUESTS - stack.failures.count) / REQUESTS;
    routes.push([
      name,
      { ...f, reqPerSec: f.reqPerSec * ok },
      stack.failures.count ? `  ${stack.failures.count} answers 5xx, first: ${stack.failures.first}` : '',
      own,
    ]);
  }
  const after = await raw();
  const limit = (before.reqPerSec + after.reqPerSec) / 2;
  const lines = [
    `${stack.label}: raw client.workflow.start ${before.reqPerSec.toFixed(1)}/s before, ${after.reqPerSec.toFixed(1)}/s after (p50 ${before.p50.toFixed(0)}/${after.p50.toFixed(0)} ms)`,
    `  CPU a raw start, its workflow's first steps included: ${describeCpu(before.cpu)} before; ${describeCpu(after.cpu)} after`,
    ...routes.flatMap(([name, f, failed, own]) => [
      `${verdict(`${stack.label} ${name}`, f.reqPerSec, limit, 'starts/s', '≥ 0.9×')}  p50 ${f.p50.toFixed(0)} ms${failed}`,
      `  CPU an order, its workflow's first steps included: ${describeCpu(f.cpu)}`,
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
