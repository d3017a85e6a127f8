/**
 * `npm run bench -- bulk`: POST /v1/mandates with 100 accounts a request and POST /v1/caro-orders
 * with 100 orders a request, BENCH_BULK_REQUESTS (10) each, two requests at a time, against as many
 * raw `client.workflow.start` calls on the same server at the concurrency the API uses inside those
 * two requests (2 × START_CONCURRENCY), on PGlite and on PostgreSQL (issue 15 §1: ≥ 0.9×).
 */
import { START_CONCURRENCY } from '../../lib/temporal/start-case.js';
import { measure, verdict } from './shared.js';
import { onEachDatabase, type OrderStack } from './stack.js';

const REQUESTS = Number(process.env.BENCH_BULK_REQUESTS ?? 10);
const ITEMS = 100;
const AT_ONCE = 2;

async function run(stack: OrderStack): Promise<string[]> {
  const accounts = await stack.accounts(REQUESTS * ITEMS * 2);
  const batch = (i: number, offset: number) => accounts.slice(offset + i * ITEMS, offset + (i + 1) * ITEMS);
  const raw = () => measure(() => stack.rawStart(), REQUESTS * ITEMS, AT_ONCE * START_CONCURRENCY);
  await measure(() => stack.rawStart(), 100, AT_ONCE * START_CONCURRENCY); // warm up
  const before = await raw();
  const failed = () => {
    const line = stack.failures.count ? `  ${stack.failures.count} requests 5xx, first: ${stack.failures.first}` : '';
    stack.failures.count = 0;
    delete stack.failures.first;
    return line;
  };
  const mandates = await measure(
    async (i) => {
      await stack.tolerant('/v1/mandates', {
        bankAccountIds: batch(i, 0).map((a) => a.accountId),
        managementMode: 'service',
      });
    },
    REQUESTS,
    AT_ONCE,
  );
  const mandatesFailed = stack.failures.count;
  const mandatesLine = failed();
  const orders = await measure(
    async (i) => {
      await stack.tolerant('/v1/caro-orders', {
        orders: batch(i, REQUESTS * ITEMS).map((a, k) => ({
          clientId: a.clientId,
          bankAccountId: a.accountId,
          clientReference: `4-${i}-${k}`,
          cardholderEmail: 'holder@example.be',
          cardholderLanguage: 'fr',
        })),
      });
    },
    REQUESTS,
    AT_ONCE,
  );
  const ordersFailed = stack.failures.count;
  const ordersLine = failed();
  const after = await raw();
  const limit = (before.reqPerSec + after.reqPerSec) / 2;
  const ok = (failures: number) => (REQUESTS - failures) / REQUESTS;
  const lines = [
    `${stack.label}: raw client.workflow.start ${before.reqPerSec.toFixed(1)}/s before, ${after.reqPerSec.toFixed(1)}/s after, ${AT_ONCE * START_CONCURRENCY} at a time`,
    `${verdict(`${stack.label} POST /v1/mandates (100 accounts)`, mandates.reqPerSec * ITEMS * ok(mandatesFailed), limit, 'starts/s', '≥ 0.9×')}  p50 ${mandates.p50.toFixed(0)} ms a request${mandatesLine}`,
    `${verdict(`${stack.label} POST /v1/caro-orders (100 orders)`, orders.reqPerSec * ITEMS * ok(ordersFailed), limit, 'starts/s', '≥ 0.9×')}  p50 ${orders.p50.toFixed(0)} ms a request${ordersLine}`,
  ];
  console.log(lines.join('\n'));
  return lines;
}

const blocks = await onEachDatabase('bench bulk', run);
console.log(`\nbench bulk: ${REQUESTS} requests of ${ITEMS} per route, ${AT_ONCE} at a time, Node ${process.version}`);
for (const block of blocks) console.log(block.join('\n'));
