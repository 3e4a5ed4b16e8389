import { SerialPort } from 'serialport';
import { HardwareError } from '../../hardware/errors.ts';
import type { SerialLink } from '../../hardware/serial/link.ts';

/**
 * The composition root for serial devices: the only place that constructs a SerialPort
 * (style.md rule 3). Real ports (/dev/ttyUSB0, /dev/ttyACM0) and socat ptys alike.
 */
export async function openSerialLink(path: string, baudRate = 115200): Promise<SerialLink> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((error) =>
      error
        ? reject(
            new HardwareError(
              'hardware/port-unavailable',
              `cannot open ${path}: ${error.message}`,
              { cause: error, details: { path } },
            ),
          )
        : resolve(),
    ),
  );
  const closeListeners = new Set<(error?: Error) => void>();
  let closed = false;
  port.on('close', (error?: Error | null) => {
    if (closed) return; // serialport may report a lost port twice
    closed = true;
    for (const l of [...closeListeners]) l(error ?? undefined);
  });
  port.on('error', () => undefined); // reported through 'close' and failed writes
  return {
    path,
    get isOpen() {
      return !closed && port.isOpen;
    },
    write(bytes) {
      if (closed)
        return Promise.reject(
          new HardwareError('hardware/port-closed', `${path} is closed`, { details: { path } }),
        );
      return new Promise((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) => {
          if (error)
            reject(
              new HardwareError('hardware/port-closed', `writing to ${path} failed`, {
                cause: error,
                details: { path },
              }),
            );
          else port.drain(() => resolve());
        });
      });
    },
    onData(listener) {
      const l = (chunk: Buffer): void =>
        listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      port.on('data', l);
      return () => void port.off('data', l);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => void closeListeners.delete(listener);
    },
    close() {
      if (closed || !port.isOpen) return Promise.resolve();
      return new Promise((resolve) => port.close(() => resolve()));
    },
  };
}
