/**
 * The part of the `pcsclite` binding (santigimeno/node-pcsclite 1.x) this project uses, typed
 * here so the hub can be driven by the real binding or by an in-process fake in unit tests.
 * Only the composition root passes the real factory (style.md rule 3).
 */
export type NodeCallback<T> = (error: Error | null | undefined, value: T) => void;

export interface PcscReaderBinding {
  readonly name: string;
  connected: boolean;
  on(event: 'status', listener: (status: { state: number; atr?: Buffer }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeAllListeners(event?: string): unknown;
  connect(options: { share_mode: number; protocol: number }, callback: NodeCallback<number>): void;
  disconnect(disposition: number, callback: (error?: Error | null) => void): void;
  transmit(
    data: Buffer,
    responseLength: number,
    protocol: number,
    callback: NodeCallback<Buffer>,
  ): void;
  close(): void;
}

export interface PcscBinding {
  on(event: 'reader', listener: (reader: PcscReaderBinding) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  close(): void;
}

/** Creates a binding instance: establishes a PC/SC context; throws when pcscd is not reachable. */
export type PcscBindingFactory = () => PcscBinding;
