/**
 * Constants of the device ⇄ backend sync protocol, once (style.md rule 5). Both the device
 * (kiosk/sync) and the reference backend (scripts/backend) import them; the OpenAPI document
 * (scripts/backend/openapi.yaml) repeats the paths and headers, and a test keeps them equal.
 */

/** Protocol generation; bumped only with a new path prefix. */
export const PROTOCOL_VERSION = 1;

export const PATHS = {
  health: '/v1/health',
  device: '/v1/device',
  events: '/v1/events',
  /** `GET /v1/datasets/{name}/updates?after={version}[&snapshot=1]` */
  datasetUpdates: (name: string): string => `/v1/datasets/${name}/updates`,
  /** `GET /v1/datasets/{name}/bodies/{version}/{kind}` — the NDJSON body a manifest names. */
  datasetBody: (name: string, version: number, kind: string): string =>
    `/v1/datasets/${name}/bodies/${version}/${kind}`,
} as const;

/** Request authentication headers (lower case, as node:http delivers them). */
export const HEADERS = {
  device: 'x-kazasu-device',
  timestamp: 'x-kazasu-timestamp',
  nonce: 'x-kazasu-nonce',
  signature: 'x-kazasu-signature',
  /** Every backend response carries the backend's clock, so devices can correct skew. */
  serverTime: 'x-kazasu-server-time',
} as const;

/** Domain-separation tags: a signature made for one purpose never verifies for another. */
export const SIGNATURE_TAGS = {
  request: 'KAZASU-REQUEST-V1',
  manifest: 'KAZASU-DATASET-V1',
} as const;

export const LIMITS = {
  /** Events in one upload request. */
  maxEventsPerUpload: 1000,
  /** Serialised size of one event payload. */
  maxPayloadBytes: 16 * 1024,
  /** Upload request body size the backend accepts. */
  maxUploadBytes: 8 * 1024 * 1024,
  /** A request's timestamp may differ this much from the backend's clock (and nonces are kept as long). */
  requestWindowMs: 5 * 60 * 1000,
  /** Operations in one delta; a larger change is published as a snapshot only. */
  maxDeltaOps: 200_000,
  /** Manifests returned by one updates request (a chain of deltas, or one snapshot). */
  maxManifestsPerUpdate: 50,
  /** One NDJSON line of a dataset body. */
  maxLineBytes: 64 * 1024,
} as const;

/** Hex lengths of the digests and identifiers on the wire. */
export const HEX = {
  sha256: 64,
  tokenHash: 64,
  keyId: 16,
  nonce: 32,
} as const;
