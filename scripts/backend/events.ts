/**
 * Receiving events. One transaction per upload; each event is stored once, forever, under
 * (device_id, device_seq). The same seq with the same event id is a `duplicate` (an ack that was
 * lost); with another id a `conflict`. Event families outside the device's role, and ride events
 * whose payload is not a ride, are `refused`. A subsidised ride is also entered in `rides`, in
 * the same transaction, for reconciliation.
 */
import {
  eventAllowedForRole,
  type DeviceInfo,
  type UploadRequest,
  type UploadResponse,
} from '../../shared/contracts/sync/events.ts';
import { RIDE_EVENT_TYPE, RidePayloadSchema } from '../../shared/contracts/sync/rides.ts';
import { parseWire } from '../../shared/contracts/sync/wire.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Statement, WritableDb } from '../../kiosk/store/db.ts';
import type { AuthenticatedDevice } from './auth.ts';

export class EventIngest {
  private readonly s: Record<'insert' | 'existing' | 'ride' | 'lastSeq' | 'count', Statement>;

  constructor(
    private readonly db: WritableDb,
    private readonly clock: Clock,
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO events (device_id, device_seq, event_id, type, payload, created_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      existing: db.prepare(
        `SELECT event_id AS eventId FROM events WHERE device_id = ? AND device_seq = ?`,
      ),
      ride: db.prepare(
        `INSERT INTO rides (device_id, device_seq, token_hash, period_key, tapped_at) VALUES (?, ?, ?, ?, ?)`,
      ),
      lastSeq: db.prepare(
        `SELECT coalesce(max(device_seq), 0) AS seq FROM events WHERE device_id = ?`,
      ),
      count: db.prepare(`SELECT count(*) AS n FROM events WHERE device_id = ?`),
    };
  }

  ingest(device: AuthenticatedDevice, upload: UploadRequest): UploadResponse['results'] {
    const receivedAt = this.clock.now();
    return this.db
      .transaction(() =>
        upload.events.map((e) => {
          const ride =
            e.type === RIDE_EVENT_TYPE ? parseWire(RidePayloadSchema, e.payload) : undefined;
          if (!eventAllowedForRole(e.type, device.role) || (ride && !ride.ok)) {
            const held = this.s.existing.get(device.deviceId, e.deviceSeq) as
              { eventId: string } | undefined;
            if (!held) return { deviceSeq: e.deviceSeq, outcome: 'refused' as const };
          }
          const inserted = this.s.insert.run(
            device.deviceId,
            e.deviceSeq,
            e.eventId,
            e.type,
            JSON.stringify(e.payload),
            e.createdAt,
            receivedAt,
          ).changes;
          if (inserted === 0) {
            const held = this.s.existing.get(device.deviceId, e.deviceSeq) as
              { eventId: string } | undefined;
            return {
              deviceSeq: e.deviceSeq,
              outcome: held?.eventId === e.eventId ? ('duplicate' as const) : ('conflict' as const),
            };
          }
          if (ride?.ok && ride.value.subsidised) {
            this.s.ride.run(
              device.deviceId,
              e.deviceSeq,
              ride.value.tokenHash,
              ride.value.periodKey,
              e.createdAt,
            );
          }
          return { deviceSeq: e.deviceSeq, outcome: 'stored' as const };
        }),
      )
      .immediate();
  }

  deviceInfo(device: AuthenticatedDevice): DeviceInfo {
    const { seq } = this.s.lastSeq.get(device.deviceId) as { seq: number };
    return {
      deviceId: device.deviceId,
      role: device.role,
      lastSeq: seq,
      serverTime: this.clock.now(),
    };
  }
}
