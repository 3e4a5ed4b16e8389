/**
 * The composition root for HID devices: the only place that opens node-hid (style.md rule 3).
 * A keyboard-wedge scanner is also a keyboard to the kernel; node-hid reads its hidraw node
 * alongside (non-exclusive), so the reports arrive here whether or not a console has focus.
 * Tests never come here: they feed FedHidTransport with real report bytes (there is no
 * /dev/uhid on the development machines to fake a device at the kernel level).
 */
import HID from 'node-hid';
import { HidError } from '../../hardware/hid/errors.ts';
import type { HidTransport } from '../../hardware/hid/transport.ts';

export interface HidSelector {
  readonly path?: string | undefined;
  readonly vendorId?: number | undefined;
  readonly productId?: number | undefined;
}

/** HID usage page 1 (Generic Desktop), usage 6 (Keyboard): HID Usage Tables 1.12 §4. */
const GENERIC_DESKTOP = 0x01;
const KEYBOARD_USAGE = 0x06;

/** The keyboard-class HID devices present (to find a scanner's ids for the config). */
export async function listKeyboards(): Promise<HID.Device[]> {
  const all = await HID.devicesAsync();
  return all.filter((d) => d.usagePage === GENERIC_DESKTOP && d.usage === KEYBOARD_USAGE);
}

function resolvePath(selector: HidSelector, devices: readonly HID.Device[]): string {
  if (selector.path) return selector.path;
  const match = devices.find(
    (d) =>
      d.path !== undefined &&
      d.vendorId === selector.vendorId &&
      d.productId === selector.productId &&
      (d.usagePage === undefined || d.usagePage === GENERIC_DESKTOP),
  );
  if (!match?.path) {
    throw new HidError('hid/not-found', 'no HID device with the configured vendor and product id', {
      details: { vendorId: selector.vendorId, productId: selector.productId },
    });
  }
  return match.path;
}

export async function openHidTransport(selector: HidSelector): Promise<HidTransport> {
  const path = resolvePath(selector, selector.path ? [] : await HID.devicesAsync());
  let device: HID.HIDAsync;
  try {
    device = await HID.HIDAsync.open(path, { nonExclusive: true });
  } catch (error) {
    throw new HidError('hid/unavailable', `cannot open the HID device ${path}`, {
      cause: error,
      details: { path },
    });
  }
  let open = true;
  const reports = new Set<(bytes: Uint8Array) => void>();
  const closes = new Set<(error?: Error) => void>();
  const end = (error?: Error): void => {
    if (!open) return;
    open = false;
    for (const l of [...closes]) l(error);
  };
  device.on('data', (data: Buffer) => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length).slice();
    for (const l of [...reports]) l(bytes);
  });
  device.on('error', (error: Error) => {
    end(new HidError('hid/device-lost', `the HID device ${path} went away`, { cause: error }));
    void device.close().catch(() => undefined);
  });
  return {
    path,
    get isOpen() {
      return open;
    },
    onReport(listener) {
      reports.add(listener);
      return () => void reports.delete(listener);
    },
    onClose(listener) {
      closes.add(listener);
      return () => void closes.delete(listener);
    },
    async close() {
      if (!open) return;
      end();
      await device.close().catch(() => undefined);
    },
  };
}
