/**
 * Plays an external provider against a running API (the development sandbox):
 *   npm run sandbox -- <provider> <type> [key=value | key:=json]... [--event-id <id>] [--occurred-at <iso>]
 * Calls POST /v1/sandbox/webhooks/<provider> on API_URL (default http://localhost:3000) with the
 * operator key in BANKFEED_API_KEY; the API signs the event and delivers it to its real webhook.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { providerEvents } from '../api/webhooks/handlers/index.js';
import { isProvider, WEBHOOK_PROVIDERS } from '../api/webhooks/providers.js';
import { describeWebhook, sendSandboxEvent, type SandboxResult } from './sandbox/client.js';

class UsageError extends Error {}

function usage(): string {
  const types = WEBHOOK_PROVIDERS.map((p) => `  ${p.padEnd(11)}${providerEvents[p].types.join(', ')}`).join('\n');
  return `usage: npm run sandbox -- <provider> <type> [key=value | key:=json]... [--event-id <id>] [--occurred-at <iso>]

Delivers a signed provider event through the API's real webhook (POST /v1/sandbox/webhooks/<provider>).
  key=value    a string field of the event's data
  key:=json    a JSON field (number, true/false, null, array, object)
  --event-id   reuse an event id to see the duplicate handling (a fresh one by default)

Providers and their event types:
${types}

Environment: API_URL (default http://localhost:3000), BANKFEED_API_KEY (an operator key).

Examples:
  npm run sandbox -- aggregator consent.renewed connectionId=<id> validUntil=2027-06-01T00:00:00Z
  npm run sandbox -- aggregator connection.status_changed connectionId=<id> status=access_lost`;
}

function parseData(pairs: string[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const pair of pairs) {
    const json = /^([^=:]+):=(.*)$/s.exec(pair);
    const text = /^([^=:]+)=(.*)$/s.exec(pair);
    if (json) {
      try {
        data[json[1]!] = JSON.parse(json[2]!);
      } catch {
        throw new UsageError(`${json[1]}:= needs JSON, got ${json[2]}`);
      }
    } else if (text) {
      data[text[1]!] = text[2]!;
    } else {
      throw new UsageError(`"${pair}" is neither key=value nor key:=json`);
    }
  }
  return data;
}

async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'event-id': { type: 'string' },
      'occurred-at': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const [provider, type, ...pairs] = positionals;
  if (!provider || !type) throw new UsageError(usage());
  if (!isProvider(provider))
    throw new UsageError(`unknown provider "${provider}"; one of ${WEBHOOK_PROVIDERS.join(', ')}`);
  if (!providerEvents[provider].types.includes(type))
    throw new UsageError(`${provider} sends no "${type}"; one of ${providerEvents[provider].types.join(', ')}`);
  const key = process.env.BANKFEED_API_KEY;
  if (!key)
    throw new UsageError(
      'BANKFEED_API_KEY is not set: an operator API key (npm start prints one; npm run keys -- create --role operator)',
    );
  const apiUrl = (process.env.API_URL ?? 'http://localhost:3000').replace(/\/+$/, '');

  let result: SandboxResult;
  try {
    result = await sendSandboxEvent(
      { apiUrl, key },
      { provider, type, data: parseData(pairs), eventId: values['event-id'], occurredAt: values['occurred-at'] },
    );
  } catch (error) {
    process.stderr.write(
      `cannot reach the API at ${apiUrl}: ${(error as Error).message} (is npm start running? API_URL?)\n`,
    );
    return 1;
  }
  if (result.kind === 'not_enabled') {
    process.stderr.write(`the sandbox is not enabled on ${apiUrl} (SANDBOX_ENABLED=false, or NODE_ENV=production)\n`);
    return 1;
  }
  if (result.kind === 'refused') {
    const { problem } = result;
    process.stderr.write(
      `sandbox refused the request: ${result.status} ${problem.code ?? ''}: ${problem.detail ?? JSON.stringify(problem)}\n`,
    );
    return 1;
  }
  const { webhook } = result;
  process.stdout.write(`sent      ${provider} ${type}  eventId ${result.eventId}\n`);
  process.stdout.write(`webhook   ${webhook.status} ${describeWebhook(webhook)}\n`);
  process.stdout.write(`${JSON.stringify(webhook.body, null, 2)}\n`);
  return webhook.status < 300 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof UsageError ? error.message : `sandbox failed: ${(error as Error).message}`}\n`,
    );
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
