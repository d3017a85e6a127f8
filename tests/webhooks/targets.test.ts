import { describe, expect, it } from 'vitest';
import { isPublicAddress, resolveTarget, TargetRefused, urlProblem } from '../../lib/webhooks/targets.js';

// Where a production webhook may go: public addresses only, IPv4 and IPv6, including IPv4 hidden in
// IPv6 forms; https only; checked on what the name resolves to.
const production = { publicOnly: true };
const development = { publicOnly: false };

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '169.254.0.5',
    '100.64.0.1', // CGNAT
    '100.127.255.254',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254', // AWS metadata over IPv6
    'ff02::1',
    '::ffff:127.0.0.1', // IPv4-mapped
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe', // mapped 169.254.169.254
    '64:ff9b::a00:1', // NAT64 of 10.0.0.1
    '::127.0.0.1', // IPv4-compatible
    '2001:db8::1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('urlProblem', () => {
  it('asks https in production, allows http in development, refuses credentials everywhere', () => {
    expect(urlProblem(new URL('http://erp.example/hook'), production)).toBe('must be https');
    expect(urlProblem(new URL('https://erp.example/hook'), production)).toBeUndefined();
    expect(urlProblem(new URL('http://localhost:3000/hook'), development)).toBeUndefined();
    expect(urlProblem(new URL('https://u:p@erp.example/hook'), development)).toBe('must not carry credentials');
    expect(urlProblem(new URL('ftp://erp.example/hook'), development)).toBe('must be an http or https URL');
  });
});

describe('resolveTarget', () => {
  it('refuses in production a name or literal that resolves to this machine, allows it in development', async () => {
    for (const url of [
      'https://localhost/hook',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://[::ffff:10.0.0.1]/',
    ]) {
      await expect(resolveTarget(new URL(url), production)).rejects.toBeInstanceOf(TargetRefused);
    }
    await expect(resolveTarget(new URL('http://127.0.0.1:8080/hook'), development)).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
    await expect(resolveTarget(new URL('http://[::1]:8080/hook'), development)).resolves.toEqual({
      address: '::1',
      family: 6,
    });
  });

  it('gives the address checked, which the request then connects to', async () => {
    await expect(resolveTarget(new URL('https://93.184.216.34/hook'), production)).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('refuses a name that does not resolve', async () => {
    await expect(resolveTarget(new URL('https://no-such-host.invalid/hook'), production)).rejects.toThrow(
      /does not resolve/,
    );
  });
});
