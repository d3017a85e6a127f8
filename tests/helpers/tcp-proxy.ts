import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = { kind: 'pass' } | { kind: 'delay'; ms: number } | { kind: 'blackhole' };

export interface TcpProxy {
  /** `host:port` to dial instead of the target. */
  address: string;
  /**
   * `pass` forwards; `delay` holds every chunk `ms` before forwarding; `blackhole` accepts and
   * drops every byte (calls hang until their deadline). Back to `pass`, the connections opened
   * meanwhile are cut, as after a network fault: a stream that lost bytes cannot resume.
   */
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

/** A TCP proxy to `target` (`host:port`) on a free loopback port, to put faults between a client and a server. */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  let mode: ProxyMode = { kind: 'pass' };
  const faulted = new Set<Socket>();
  const open = new Set<Socket>();
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (mode.kind === 'blackhole') {
        faulted.add(from);
        return;
      }
      if (mode.kind === 'delay') setTimeout(() => to.writable && to.write(chunk), mode.ms);
      else to.write(chunk);
    });
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        open.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${own}`,
    setMode(next) {
      mode = next;
      if (next.kind !== 'pass') return;
      for (const s of faulted) s.destroy();
      faulted.clear();
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
