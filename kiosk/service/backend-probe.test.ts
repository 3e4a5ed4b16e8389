import { describe, expect, it } from 'vitest';
import { BackendProbe } from './backend-probe.ts';
import { healthTransport as answering } from './probe-testing.ts';

describe('backend probe', () => {
  it('asks the unsigned health route; 200 is online, anything else or no answer is offline', async () => {
    const t = answering([200, 503, 200, new Error('ECONNRESET')]);
    const probe = new BackendProbe(t, 60_000);
    const seen: string[] = [];
    probe.onChange((s) => seen.push(s));
    expect(probe.state).toBe('unknown');
    await probe.start();
    await probe.check();
    await probe.check();
    await probe.check();
    await probe.stop();
    expect(t.asked.map((r) => `${r.method} ${r.target}`)).toEqual(Array(4).fill('GET /v1/health'));
    expect(t.asked[0]?.headers).toEqual({});
    expect(seen).toEqual(['online', 'offline', 'online', 'offline']);
  });

  it('one ask at a time; what a look-up showed counts at once', async () => {
    const t = answering([200]);
    const probe = new BackendProbe(t, 60_000);
    await Promise.all([probe.check(), probe.check()]);
    expect(t.asked).toHaveLength(1);
    probe.report('offline');
    expect(probe.state).toBe('offline');
  });
});
