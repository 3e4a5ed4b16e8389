/**
 * A byte link to a serial device (or to the device side, for a simulator). Implemented over
 * `serialport` by the composition root (kiosk/devices/serial.ts); tests use socat pty pairs
 * with the same implementation, and in-process pairs (`linkedPair`) for unit tests. Drivers
 * never open ports themselves (style.md rule 3).
 */
export interface SerialLink {
  readonly path: string;
  /** Writes bytes; rejects with `hardware/port-closed` when the link is gone. */
  write(bytes: Uint8Array): Promise<void>;
  /** Every chunk received, in order, as it arrives; chunk boundaries mean nothing. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Called once when the link closes, on purpose or not. */
  onClose(listener: (error?: Error) => void): () => void;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

class PairedLink implements SerialLink {
  peer: PairedLink | undefined;
  private open = true;
  private readonly data = new Set<(chunk: Uint8Array) => void>();
  private readonly closes = new Set<(error?: Error) => void>();

  constructor(readonly path: string) {}

  get isOpen(): boolean {
    return this.open;
  }

  write(bytes: Uint8Array): Promise<void> {
    const peer = this.peer;
    if (!this.open || !peer?.open) return Promise.reject(new Error(`${this.path} is closed`));
    const copy = bytes.slice();
    queueMicrotask(() => peer.deliver(copy));
    return Promise.resolve();
  }

  private deliver(chunk: Uint8Array): void {
    if (this.open) for (const l of [...this.data]) l(chunk);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.data.add(listener);
    return () => void this.data.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closes.add(listener);
    return () => void this.closes.delete(listener);
  }

  close(): Promise<void> {
    if (this.open) {
      this.open = false;
      for (const l of [...this.closes]) l();
      void this.peer?.close();
    }
    return Promise.resolve();
  }
}

/** Two in-process links wired to each other, for unit tests of drivers and simulators. */
export function linkedPair(): [SerialLink, SerialLink] {
  const a = new PairedLink('pair:a');
  const b = new PairedLink('pair:b');
  a.peer = b;
  b.peer = a;
  return [a, b];
}
