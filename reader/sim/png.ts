import { crc32, deflateSync } from 'node:zlib';
import { concatBytes } from '../../shared/bytes.ts';

/**
 * A tiny encoder of 1-bit greyscale PNGs (the card's name, address and security-code images
 * are 1-bit PNGs, anchors.md A.8) and a 3×5 digit font, so the simulator can draw the images
 * that depend on holder data (surface EF 0005, the My Number image) and the fixture generator
 * the rest. Pure. PNG layout per ISO/IEC 15948 (W3C PNG, 2nd ed.) §5, §11.2.2.
 */

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const BIT_DEPTH = 1;
const COLOUR_GREYSCALE = 0;
const FILTER_NONE = 0;

function u32(value: number): Uint8Array {
  return Uint8Array.of(
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  );
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typeAndData = concatBytes(new TextEncoder().encode(type), data);
  return concatBytes(u32(data.length), typeAndData, u32(crc32(typeAndData) >>> 0));
}

/** A bitmap: `ink(x, y)` true where the pixel is black. */
export interface Bitmap {
  readonly width: number;
  readonly height: number;
  ink(x: number, y: number): boolean;
}

/** Encodes a bitmap as a 1-bit greyscale PNG (0 = black, 1 = white). */
export function encodePng1Bit(bitmap: Bitmap): Uint8Array {
  const { width, height } = bitmap;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError('a PNG needs a positive integer size');
  }
  const stride = Math.ceil(width / 8);
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (stride + 1);
    raw[row] = FILTER_NONE;
    for (let x = 0; x < width; x += 1) {
      if (bitmap.ink(x, y)) continue;
      const at = row + 1 + (x >> 3);
      raw[at] = (raw[at] as number) | (0x80 >> (x & 7));
    }
  }
  const header = concatBytes(
    u32(width),
    u32(height),
    Uint8Array.of(BIT_DEPTH, COLOUR_GREYSCALE, 0, 0, 0),
  );
  return concatBytes(
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', new Uint8Array(deflateSync(raw))),
    chunk('IEND', new Uint8Array(0)),
  );
}

/** 3×5 glyphs of 0–9, one string per row, `#` = ink. */
const DIGITS: readonly (readonly string[])[] = [
  ['###', '#.#', '#.#', '#.#', '###'],
  ['.#.', '##.', '.#.', '.#.', '###'],
  ['###', '..#', '###', '#..', '###'],
  ['###', '..#', '.##', '..#', '###'],
  ['#.#', '#.#', '###', '..#', '..#'],
  ['###', '#..', '###', '..#', '###'],
  ['###', '#..', '###', '#.#', '###'],
  ['###', '..#', '.#.', '.#.', '.#.'],
  ['###', '#.#', '###', '#.#', '###'],
  ['###', '#.#', '###', '..#', '###'],
];
const GLYPH_WIDTH = 3;
const GLYPH_HEIGHT = 5;
const GLYPH_GAP = 1;

/** A string of ASCII digits drawn with the 3×5 font, each pixel `scale`×`scale`, with a margin. */
export function digitsBitmap(digits: string, scale: number, margin: number): Bitmap {
  if (!/^\d+$/.test(digits)) throw new RangeError('only digits can be drawn');
  const cell = GLYPH_WIDTH + GLYPH_GAP;
  const width = (digits.length * cell - GLYPH_GAP) * scale + 2 * margin;
  const height = GLYPH_HEIGHT * scale + 2 * margin;
  return {
    width,
    height,
    ink(x, y) {
      const gx = Math.floor((x - margin) / scale);
      const gy = Math.floor((y - margin) / scale);
      if (x < margin || y < margin || gy >= GLYPH_HEIGHT) return false;
      const index = Math.floor(gx / cell);
      const col = gx % cell;
      if (index >= digits.length || col >= GLYPH_WIDTH) return false;
      const glyph = DIGITS[digits.charCodeAt(index) - 0x30];
      return glyph?.[gy]?.[col] === '#';
    },
  };
}
