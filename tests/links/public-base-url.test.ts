import { describe, expect, it } from 'vitest';
import { loadEmailEnv } from '../../lib/email/env.js';
import { loadApiEnv } from '../../api/env.js';
import { loadWorkerEnv } from '../../workers/env.js';

const base = { DATABASE_URL: 'postgresql://bankfeed@localhost:5432/bankfeed' };

describe('PUBLIC_BASE_URL', () => {
  it.each([
    ['api', (env: NodeJS.ProcessEnv) => loadApiEnv(env).PUBLIC_BASE_URL],
    ['worker', (env: NodeJS.ProcessEnv) => loadWorkerEnv(env).PUBLIC_BASE_URL],
    ['e-mail', (env: NodeJS.ProcessEnv) => loadEmailEnv(env).PUBLIC_BASE_URL],
  ])('%s: defaults to the API on its own port when PORT is set, else 3000; a value given wins', (_, publicBaseUrl) => {
    expect(publicBaseUrl({ ...base, PORT: '4010' })).toBe('http://localhost:4010');
    expect(publicBaseUrl({ ...base })).toBe('http://localhost:3000');
    expect(publicBaseUrl({ ...base, PORT: '' })).toBe('http://localhost:3000');
    expect(publicBaseUrl({ ...base, PORT: '4010', PUBLIC_BASE_URL: 'https://app.example' })).toBe(
      'https://app.example',
    );
  });

  it('is the same for the API and the worker started together (npm start shares one environment)', () => {
    const env = { ...base, PORT: '8088' };
    expect(loadApiEnv(env).PUBLIC_BASE_URL).toBe(loadWorkerEnv(env).PUBLIC_BASE_URL);
  });
});
