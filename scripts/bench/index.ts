/**
 * `npm run bench -- <case>`: one benchmark per case, each printing the project's figure, the limit
 * measured in the same run and their ratio, with the load average (the machine is shared).
 * `npm run bench -- --help` lists the cases. Each case runs in its own process.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const CASES: Record<string, { script: string; what: string }> = {
  starts: {
    script: 'starts.ts',
    what: 'POST /v1/connections, /v1/mandates, /v1/caro-orders (one item) vs raw client.workflow.start; PGlite and PostgreSQL',
  },
  bulk: {
    script: 'bulk.ts',
    what: 'POST /v1/mandates and /v1/caro-orders with 100 items a request vs raw starts; PGlite and PostgreSQL',
  },
  list: {
    script: 'list.ts',
    what: 'GET /v1/connections (page, expiring), /v1/cases?attention=true, /v1/clients?q= at 100,000 cases vs the SQL through pg',
  },
  search: { script: 'search.ts', what: 'GET /v1/cases?q=… per key kind at 100,000 cases vs the same SQL through pg' },
  detail: { script: 'detail.ts', what: 'GET /v1/mandates/:id vs the same SQL through pg' },
  sleeping: {
    script: 'sleeping.ts',
    what: 'first workflow tasks/s vs a bare SDK worker, then 10k/50k/100k sleeping consent workflows on one worker: start rate, catch-up, RSS',
  },
  webhooks: { script: 'webhooks.ts', what: 'webhook deliveries: delay and rate vs the same signed posts in a loop' },
};

const help = () =>
  [
    'usage: npm run bench -- <case>   (PostgreSQL: BENCH_POSTGRES_URL, else postgresql://postgres:postgres@127.0.0.1:5432/postgres)',
    '',
    'cases:',
    ...Object.entries(CASES).map(([name, { what }]) => `  ${name.padEnd(9)} ${what}`),
  ].join('\n');

const name = process.argv[2];
if (!name || name === '--help' || name === '-h') {
  console.log(help());
  process.exit(name ? 0 : 1);
}
const chosen = CASES[name];
if (!chosen) {
  console.error(`bench: no case "${name}"\n\n${help()}`);
  process.exit(1);
}
const script = fileURLToPath(new URL(chosen.script, import.meta.url));
console.log(
  `bench ${name}: load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at ${new Date().toISOString()}`,
);
const child = spawn(process.execPath, ['--import', 'tsx', script, ...process.argv.slice(3)], { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  console.log(
    `bench ${name}: load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end`,
  );
  process.exit(code ?? (signal ? 1 : 0));
});
