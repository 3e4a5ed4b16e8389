/** JPEG 2000 files, as the My Number Card's face photo is stored. Pure. */
import { startsWith } from './bytes.ts';

/** The JP2 signature box (ISO/IEC 15444-1 §I.5.1): what every JP2 file starts with. */
export const JP2_SIGNATURE = Uint8Array.of(
  0x00,
  0x00,
  0x00,
  0x0c,
  0x6a,
  0x50,
  0x20,
  0x20,
  0x0d,
  0x0a,
  0x87,
  0x0a,
);

/** Whether `bytes` start with the JP2 signature box. */
export function isJp2(bytes: Uint8Array): boolean {
  return startsWith(bytes, JP2_SIGNATURE);
}
