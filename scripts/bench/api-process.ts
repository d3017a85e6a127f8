// The API of `bench detail` and `bench list` in its own process, as `npm start` runs it and as the
// issue measured it (load from outside): started by apiProcess() (shared.ts) with the database's URL,
// it answers its URL over IPC, then CPU profiles and its close on request.
import { createPrisma } from '../../lib/db/client.js';
import { benchServer, startProfile } from './shared.js';

const url = process.env.BENCH_DATABASE_URL;
if (!url || !process.send) throw new Error('api-process: started by apiProcess() with BENCH_DATABASE_URL');
const prisma = createPrisma(url);
const server = await benchServer(prisma);
let stopProfile: (() => Promise<string>) | undefined;
process.on('message', (message: { do: 'profile' | 'stop-profile' | 'close'; name?: string }) => {
  void (async () => {
    if (message.do === 'profile') {
      stopProfile = await startProfile(message.name ?? 'api');
      process.send!({ done: 'profile' });
    } else if (message.do === 'stop-profile') {
      const file = stopProfile ? await stopProfile() : undefined;
      stopProfile = undefined;
      process.send!({ done: 'stop-profile', file });
    } else {
      await server.close();
      await prisma.$disconnect();
      process.exit(0);
    }
  })();
});
process.send({ url: server.url });
