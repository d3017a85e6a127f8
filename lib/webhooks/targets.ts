// Where a webhook may be sent. In production (NODE_ENV=production) only https, and never to an
// address of this machine or its networks: loopback, private, link-local (cloud metadata
// 169.254.169.254 included), CGNAT, multicast, reserved, unique-local IPv6, and IPv4 reached through
// IPv6 (mapped, NAT64). Checked on the addresses the name resolves to, at every attempt, and the
// request then connects to the address checked (lib/webhooks/send.ts), so a DNS answer that changes
// in between (rebinding) cannot reach an inner address. In development local receivers are allowed.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface TargetPolicy {
  /** Production: https only, public addresses only. */
  publicOnly: boolean;
}

export const targetPolicyFor = (nodeEnv: string | undefined): TargetPolicy => ({
  publicOnly: nodeEnv === 'production',
});

/** A target refused by the policy; `message` says why, without the URL. */
export class TargetRefused extends Error {
  override name = 'TargetRefused';
}

const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const BLOCKED_V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID…)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (AWS metadata fd00:ec2::254 included)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];
const blocked = new BlockList();
for (const [net, prefix] of BLOCKED_V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of BLOCKED_V6) blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address an IPv6 one carries: IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, IPv4-compatible `::a.b.c.d`. */
function embeddedV4(v6: string): string | undefined {
  const groups = expandV6(v6);
  if (!groups) return undefined;
  const head = groups
    .slice(0, 6)
    .map((g) => g.toString(16))
    .join(':');
  const mapped = head === '0:0:0:0:0:ffff' || head === '64:ff9b:0:0:0:0' || head === '0:0:0:0:0:0';
  if (!mapped) return undefined;
  const [hi, lo] = [groups[6]!, groups[7]!];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function expandV6(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const b = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, -dotted[1]!.length)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [left, right] = text.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const l = parse(left);
  const r = right === undefined ? [] : parse(right);
  const fill = right === undefined ? 0 : 8 - l.length - r.length;
  const groups = [...l, ...new Array<number>(Math.max(fill, 0)).fill(0), ...r];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** True for an address a production webhook may be sent to. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedV4(address);
  if (v4 !== undefined) return v4 !== '0.0.0.0' && isPublicAddress(v4);
  return !blocked.check(address, 'ipv6');
}

/** Why `url` may not be a target under `policy` before any lookup (scheme, credentials), or undefined. */
export function urlProblem(url: URL, policy: TargetPolicy): string | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (policy.publicOnly && url.protocol !== 'https:') return 'must be https';
  return undefined;
}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

/**
 * The address to connect to for `url`, after the policy's checks: every address the host name
 * resolves to must be public under a public-only policy. Throws TargetRefused otherwise.
 */
export async function resolveTarget(url: URL, policy: TargetPolicy): Promise<ResolvedTarget> {
  const problem = urlProblem(url, policy);
  if (problem) throw new TargetRefused(`the URL ${problem}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch (error) {
    throw new TargetRefused(`the host name does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (addresses.length === 0) throw new TargetRefused('the host name does not resolve');
  if (policy.publicOnly && addresses.some((a) => !isPublicAddress(a.address)))
    throw new TargetRefused('the host resolves to a loopback, private, link-local or reserved address');
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
