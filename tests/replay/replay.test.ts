/**
 * Every recorded history (tests/replay/histories, `npm run histories:record`) replays against the
 * current workflow code: a change that would emit other commands for a run already in production
 * (an activity added, removed or reordered, a timer changed) fails here with the file's name.
 * See "Changing a workflow safely" in the README.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle, type BundleVariant } from '../../workers/workflow-bundle.js';
import { historyFromJSON } from './history-json.js';

const DIR = fileURLToPath(new URL('./histories/', import.meta.url));
/**
 * Whether the journey's workflow completes: a CARO order's runs as long as the order exists (it can be reactivated);
 * a webhook endpoint's until it is deleted.
 */
const JOURNEYS = { mandate: true, caro: false, consent: true, 'webhook-endpoint': true } as const;

interface Recorded {
  name: string;
  json: { events: Record<string, unknown>[] };
  bytes: number;
}
let recorded: Recorded[];

beforeAll(async () => {
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.json'));
  recorded = await Promise.all(
    files.map(async (file) => {
      const text = await readFile(join(DIR, file), 'utf8');
      return { name: file.replace(/\.json$/, ''), json: JSON.parse(text), bytes: Buffer.byteLength(text) };
    }),
  );
  recorded.sort((a, b) => a.name.localeCompare(b.name));
});

/** Every string in a history, the payloads' data decoded (they are base64 JSON). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.data === 'string' && typeof record.metadata === 'object')
      out.push(Buffer.from(record.data, 'base64').toString('utf8'));
    for (const v of Object.values(record)) strings(v, out);
  }
  return out;
}

const closes = (event: Record<string, unknown> | undefined) =>
  ['Completed', 'Failed', 'ContinuedAsNew', 'Terminated', 'Canceled', 'TimedOut'].some(
    (kind) => event?.[`workflowExecution${kind}EventAttributes`] !== undefined,
  );

describe('recorded workflow histories', () => {
  // A worker runs the bundle with the tracing interceptors when it traces, without otherwise
  // (workers/workflow-bundle.ts): a history recorded under either replays under both.
  it.each<BundleVariant>(['traced', 'untraced'])(
    'all replay against the current workflow code (%s bundle) without a determinism violation',
    async (variant) => {
      expect(recorded.length).toBeGreaterThan(0);
      const results: ReplayResult[] = [];
      const replay = Worker.runReplayHistories(
        { workflowBundle: await workflowBundle(undefined, variant), replayName: `recorded-histories-${variant}` },
        recorded.map((r) => ({ workflowId: r.name, history: historyFromJSON(r.json) })),
      );
      for await (const result of replay) results.push(result);

      expect(results.map((r) => r.workflowId).sort()).toEqual(recorded.map((r) => r.name));
      const failures = results
        .filter((r) => r.error !== undefined)
        .map((r) => `${r.workflowId}: ${r.error!.name}: ${r.error!.message}`);
      expect(failures).toEqual([]);
    },
  );

  it('the untraced bundle leaves the tracing interceptors out, the traced one has them', async () => {
    const [traced, untraced] = await Promise.all([
      workflowBundle(undefined, 'traced'),
      workflowBundle(undefined, 'untraced'),
    ]);
    expect(traced.code).toContain('OpenTelemetryInboundInterceptor');
    expect(untraced.code).not.toContain('OpenTelemetryInboundInterceptor');
    expect(untraced.code).toContain('consentRenewalWorkflow');
  });

  it('cover each journey, cut while it sleeps as well as completed', () => {
    for (const [journey, completes] of Object.entries(JOURNEYS)) {
      const mine = recorded.filter((r) => r.name.startsWith(`${journey}-`));
      expect(mine.filter((r) => !closes(r.json.events.at(-1))).length, `${journey}: running`).toBeGreaterThan(0);
      if (completes)
        expect(mine.filter((r) => closes(r.json.events.at(-1))).length, `${journey}: closed`).toBeGreaterThan(0);
    }
    expect(recorded.every((r) => Object.keys(JOURNEYS).some((j) => r.name.startsWith(`${j}-`)))).toBe(true);
  });

  it('stay small and carry no e-mail address, link or card-like number', () => {
    for (const { name, json, bytes } of recorded) {
      expect(bytes, name).toBeLessThan(100_000);
      // ids are UUIDs, whose digit groups would read as a long number
      const text = strings(json)
        .join('\n')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, 'uuid');
      // worker identities (`pid@host`) and SDK names (`@temporalio/worker@1.24.0`) are not addresses
      const addresses = text.match(/[\w.+-]+@[a-z][\w-]*\.[a-z]{2,}/gi) ?? [];
      expect(addresses, name).toEqual([]);
      expect(text.match(/https?:\/\/\S+|\/l\/[\w.-]{20,}/g) ?? [], name).toEqual([]);
      expect(text.match(/\d(?:[ -]?\d){12,18}/g) ?? [], name).toEqual([]);
    }
  });
});
