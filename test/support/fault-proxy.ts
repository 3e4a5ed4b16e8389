import net from 'node:net';

/**
 * A TCP proxy between a device and the backend that injects the faults of a bad mobile
 * network: connections dropped before they reach the backend, delays, resets after the
 * backend has acted (the answer is lost), duplicated response bytes and truncated responses.
 * Faults are drawn from a seeded generator, so a failing run can be repeated.
 */
export interface FaultRates {
  /** Close a new client connection at once. */
  readonly drop: number;
  /** Hold each chunk for up to `delayMs`. */
  readonly delay: number;
  readonly delayMs: number;
  /** Reset the client connection once the backend starts answering (the ack is lost). */
  readonly reset: number;
  /** Send a response chunk twice. */
  readonly duplicate: number;
  /** Forward part of a response chunk, then close. */
  readonly truncate: number;
}

export const NO_FAULTS: FaultRates = {
  drop: 0,
  delay: 0,
  delayMs: 0,
  reset: 0,
  duplicate: 0,
  truncate: 0,
};

export interface FaultProxy {
  readonly port: number;
  readonly counts: Record<
    'connections' | 'drop' | 'delay' | 'reset' | 'duplicate' | 'truncate',
    number
  >;
  setRates(rates: FaultRates): void;
  close(): Promise<void>;
}

/** mulberry32: a small seeded PRNG (test determinism only). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFaultProxy(
  targetPort: number,
  rates: FaultRates,
  seed = 1,
): Promise<FaultProxy> {
  const random = prng(seed);
  let current = rates;
  const counts = { connections: 0, drop: 0, delay: 0, reset: 0, duplicate: 0, truncate: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    counts.connections += 1;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (random() < current.drop) {
      counts.drop += 1;
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    const later = (fn: () => void): void => {
      if (random() < current.delay) {
        counts.delay += 1;
        setTimeout(fn, Math.floor(random() * current.delayMs));
      } else fn();
    };
    // Chunks are forwarded in order even when some are delayed.
    let toServer = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      toServer = toServer.then(
        () => new Promise<void>((r) => later(() => (upstream.write(chunk), r()))),
      );
    });
    let toClient = Promise.resolve();
    upstream.on('data', (chunk: Buffer) => {
      toClient = toClient.then(
        () =>
          new Promise<void>((r) =>
            later(() => {
              const roll = random();
              if (roll < current.reset) {
                counts.reset += 1;
                client.resetAndDestroy();
              } else if (roll < current.reset + current.truncate) {
                counts.truncate += 1;
                client.end(chunk.subarray(0, Math.floor(chunk.length / 2)));
                upstream.destroy();
              } else if (roll < current.reset + current.truncate + current.duplicate) {
                counts.duplicate += 1;
                client.write(chunk);
                client.write(chunk);
              } else if (!client.destroyed) client.write(chunk);
              r();
            }),
          ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    counts,
    setRates: (r) => {
      current = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
