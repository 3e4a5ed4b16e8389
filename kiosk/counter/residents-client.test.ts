import { describe, expect, it } from 'vitest';
import { SyncError } from '../sync/errors.ts';
import { BackendResidents } from './residents-client.ts';

const four = {
  name: '黒桐　幹也',
  address: '清瀬市1',
  birthDate: '1980-02-17',
  sex: 'male',
} as const;

function residents(answer: () => Promise<unknown>) {
  const bodies: Uint8Array[] = [];
  const client = new BackendResidents({
    call: (_method, _target, body) => {
      if (body) bodies.push(body);
      return answer() as never;
    },
  });
  return { client, bodies };
}

describe('resident look-up client', () => {
  it('sends the four items and zeroes the body once sent', async () => {
    const { client, bodies } = residents(() =>
      Promise.resolve({ outcome: 'not-found', serverTime: 1 }),
    );
    expect(await client.lookup(four)).toEqual({
      ok: true,
      value: { outcome: 'not-found', serverTime: 1 },
    });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]?.every((b) => b === 0)).toBe(true);
  });

  it('an unreachable backend is offline; a refusal is the backend’s own code', async () => {
    const offline = residents(() => Promise.reject(new SyncError('sync/timeout', 'no answer')));
    expect(await offline.client.lookup(four)).toEqual({
      ok: false,
      offline: true,
      code: 'sync/timeout',
    });
    const refused = residents(() =>
      Promise.reject(
        new SyncError('sync/forbidden', '403', {
          details: { status: 403, backendCode: 'backend/forbidden' },
        }),
      ),
    );
    expect(
      await refused.client.checkMyNumber({
        residentId: 'R1',
        myNumber: '537686677188',
        caseId: '0190a0b0-0000-7000-8000-000000000001',
        procedures: ['nhi-enrolment'],
      }),
    ).toEqual({ ok: false, offline: false, code: 'backend/forbidden' });
    expect(refused.bodies[0]?.every((b) => b === 0)).toBe(true);
  });
});
