// The thread of `startEmbeddedPostgres({ thread: true })`: PGlite and its server (embedded.ts) on a
// thread of their own, driven by messages from embedded-thread-client.ts: `dump` answers with the
// database's tarball, `stop` stops it and ends the thread. The options come as workerData, a
// database to start from (`loadDataDir`) as bytes.
import { parentPort, workerData } from 'node:worker_threads';
import { serveEmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded.js';

export type ThreadOptions = Omit<EmbeddedPostgresOptions, 'loadDataDir'> & { loadDataDir?: Uint8Array };
export type ThreadRequest = { do: 'dump' } | { do: 'stop' };
export type ThreadAnswer =
  { ready: { url: string; port: number } } | { failed: string } | { dumped: Uint8Array } | { stopped: true };

const port = parentPort!;
const say = (answer: ThreadAnswer, transfer: ArrayBuffer[] = []) => port.postMessage(answer, transfer);
const { loadDataDir, ...opts } = workerData as ThreadOptions;

try {
  const db = await serveEmbeddedPostgres({
    ...opts,
    ...(loadDataDir ? { loadDataDir: new Blob([loadDataDir]) } : {}),
  });
  port.on('message', (request: ThreadRequest) => {
    if (request.do === 'dump')
      void db.dump().then(async (blob) => {
        const bytes = new Uint8Array(await blob.arrayBuffer());
        say({ dumped: bytes }, [bytes.buffer as ArrayBuffer]);
      });
    else
      void db.stop().then(() => {
        say({ stopped: true });
        port.close();
      });
  });
  say({ ready: { url: db.url, port: db.port } });
} catch (error) {
  say({ failed: error instanceof Error ? error.message : String(error) });
  port.close();
}
