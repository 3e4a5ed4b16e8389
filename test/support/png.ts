import { inflateSync } from 'node:zlib';

/** An 8-bit grey image, row-major. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes per pixel for 8-bit PNG colour types (PNG spec §11.2.2): grey, RGB, grey+alpha, RGBA. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes the PNGs pdftoppm writes (8 bits per channel, not interlaced; PNG spec §11.2.2 IHDR,
 * §9 filters) to grey levels. poppler writes RGB even with -gray. Enough to ask whether a
 * printed page has ink where it should.
 */
export function decodeGrayPng(png: Uint8Array): GrayImage {
  if (!SIGNATURE.every((b, i) => png[i] === b)) throw new Error('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let bpp = 1;
  const idat: Uint8Array[] = [];
  while (at + 8 <= png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const [depth, color, , , interlace] = data.subarray(8, 13);
      const channels = CHANNELS[color ?? -1];
      if (depth !== 8 || channels === undefined || interlace !== 0)
        throw new Error('only 8-bit, non-interlaced PNGs');
      bpp = channels;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const bytes = new Uint8Array(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)] ?? 0;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i += 1) {
      const a = i >= bpp ? (bytes[y * stride + i - bpp] as number) : 0;
      const b = y > 0 ? (bytes[(y - 1) * stride + i] as number) : 0;
      const c = i >= bpp && y > 0 ? (bytes[(y - 1) * stride + i - bpp] as number) : 0;
      const p = a + b - c;
      const paeth = [a, b, c].sort((m, n) => Math.abs(p - m) - Math.abs(p - n))[0] as number;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      bytes[y * stride + i] = ((line[i] as number) + predictor) & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height);
  const colour = bpp >= 3 ? 3 : 1;
  for (let i = 0; i < pixels.length; i += 1) {
    let sum = 0;
    for (let k = 0; k < colour; k += 1) sum += bytes[i * bpp + k] as number;
    pixels[i] = Math.round(sum / colour);
  }
  return { width, height, pixels };
}

/** Share of pixels darker than mid-grey. */
export function inkShare(image: GrayImage): number {
  let ink = 0;
  for (const p of image.pixels) if (p < 128) ink += 1;
  return ink / Math.max(1, image.pixels.length);
}
