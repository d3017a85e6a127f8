// `startEmbeddedPostgres({ thread: true })`: starts lib/db/embedded-thread.ts on a worker thread and
// speaks to it. Under tsx (npm start, the benches) the thread registers tsx before it loads the
// TypeScript file; compiled, it loads the .js beside this one.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded.js';
import type { ThreadAnswer, ThreadOptions, ThreadRequest } from './embedded-thread.js';

const ext = extname(fileURLToPath(import.meta.url));
const entry = new URL(`./embedded-thread${ext}`, import.meta.url);

function spawnThread(workerData: ThreadOptions, transferList: ArrayBuffer[]): Worker {
  const options = { workerData, transferList };
  if (ext !== '.ts') return new Worker(entry, options);
  const load = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(load, { ...options, eval: true });
}

export async function startEmbeddedThread(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { loadDataDir, ...rest } = opts;
  const bytes = loadDataDir ? new Uint8Array(await loadDataDir.arrayBuffer()) : undefined;
  const thread = spawnThread(
    { ...rest, ...(bytes ? { loadDataDir: bytes } : {}) },
    bytes ? [bytes.buffer as ArrayBuffer] : [],
  );
  let ended = false;
  const exited = new Promise<void>((resolve) =>
    thread.once('exit', () => {
      ended = true;
      resolve();
    }),
  );
  // A failure after the start: the database is gone, and its clients will say so on their next statement.
  thread.on('error', (error) => process.stderr.write(`embedded database: its thread failed: ${error.message}\n`));
  /** The thread's next answer of this kind (rejects if the thread fails or ends first). */
  const next = <K extends string>(key: K) =>
    new Promise<Extract<ThreadAnswer, Record<K, unknown>>>((resolve, reject) => {
      if (ended) return reject(new Error('embedded database: its thread ended'));
      const onMessage = (answer: ThreadAnswer) => {
        if ('failed' in answer) return done(() => reject(new Error(answer.failed)));
        if (key in answer) done(() => resolve(answer as Extract<ThreadAnswer, Record<K, unknown>>));
      };
      const onError = (error: Error) => done(() => reject(error));
      const onExit = () => done(() => reject(new Error('embedded database: its thread ended')));
      const done = (settle: () => void) => {
        thread.off('message', onMessage);
        thread.off('error', onError);
        thread.off('exit', onExit);
        settle();
      };
      thread.on('message', onMessage);
      thread.once('error', onError);
      thread.once('exit', onExit);
    });
  const send = (request: ThreadRequest) => thread.postMessage(request);

  const { ready } = await next('ready').catch(async (error: unknown) => {
    await thread.terminate();
    throw error;
  });
  let stopped: Promise<void> | undefined;
  return {
    url: ready.url,
    port: ready.port,
    async dump() {
      const answer = next('dumped');
      send({ do: 'dump' });
      return new Blob([(await answer).dumped]);
    },
    stop: () =>
      (stopped ??= (async () => {
        const answer = next('stopped').catch(() => undefined); // a thread already gone is stopped
        send({ do: 'stop' });
        await answer;
        await exited;
      })()),
  };
}
