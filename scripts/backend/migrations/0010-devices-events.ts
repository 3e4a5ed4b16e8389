import type { Migration } from '../../../kiosk/store/db.ts';

/**
 * Registered devices and the events they sent. The primary key (device_id, device_seq) is the
 * permanent dedupe of architecture "Sync principles": no retention window, because a bus may
 * come back after a week offline and resend what was already received.
 */
export const backend0010: Migration = {
  version: 10,
  name: 'devices-events',
  up(db) {
    db.exec(`
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('counter', 'library', 'validator')),
        public_key TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
        registered_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE events (
        device_id TEXT NOT NULL REFERENCES devices (device_id),
        device_seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        created_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, device_seq)
      ) STRICT, WITHOUT ROWID;

      CREATE UNIQUE INDEX events_event_id ON events (event_id);

      CREATE TABLE nonces (
        device_id TEXT NOT NULL,
        nonce TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (device_id, nonce)
      ) STRICT, WITHOUT ROWID;

      CREATE INDEX nonces_expiry ON nonces (expires_at);
    `);
  },
};
