import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_CHOICE } from '../../reader/mynumber/constants.ts';
import { digitsBitmap, encodePng1Bit, type Bitmap } from '../../reader/sim/png.ts';

/**
 * Synthetic card-face images for the simulator's fixtures (used only by gen-fixtures.ts): a
 * greyscale face drawn as a PGM and converted to JPEG 2000 (JP2) with OpenJPEG's
 * `opj_compress` (Debian: libopenjp2-tools), and 1-bit PNGs of "text". No real person's image.
 */

export interface FaceStyle {
  /** Hair grey level, 0 black .. 255 white. */
  readonly hair: number;
  readonly glasses: boolean;
}

const FACE_WIDTH = 90;
const FACE_HEIGHT = 110;
const BACKGROUND = 235;
const SKIN = 190;
const FEATURE = 40;

/** A 90×110 binary PGM (P5) of a cartoon face. */
export function facePgm(style: FaceStyle): Uint8Array {
  const px = new Uint8Array(FACE_WIDTH * FACE_HEIGHT).fill(BACKGROUND);
  const inEllipse = (
    x: number,
    y: number,
    cx: number,
    cy: number,
    rx: number,
    ry: number,
  ): boolean => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
  for (let y = 0; y < FACE_HEIGHT; y += 1) {
    for (let x = 0; x < FACE_WIDTH; x += 1) {
      let v = BACKGROUND;
      if (inEllipse(x, y, 45, 118, 44, 22)) v = 90; // shoulders
      if (inEllipse(x, y, 45, 50, 31, 38) && y < 46) v = style.hair;
      if (inEllipse(x, y, 45, 58, 27, 36)) v = SKIN;
      if (inEllipse(x, y, 34, 52, 4, 3) || inEllipse(x, y, 56, 52, 4, 3)) v = FEATURE; // eyes
      if (inEllipse(x, y, 45, 66, 3, 6)) v = SKIN - 25; // nose
      if (inEllipse(x, y, 45, 77, 10, 4) && y >= 77) v = FEATURE; // mouth
      if (
        style.glasses &&
        (Math.abs(Math.hypot(x - 34, y - 52) - 8) < 1 ||
          Math.abs(Math.hypot(x - 56, y - 52) - 8) < 1)
      ) {
        v = FEATURE;
      }
      px[y * FACE_WIDTH + x] = v;
    }
  }
  const header = new TextEncoder().encode(`P5\n${FACE_WIDTH} ${FACE_HEIGHT}\n255\n`);
  const out = new Uint8Array(header.length + px.length);
  out.set(header, 0);
  out.set(px, header.length);
  return out;
}

/** PGM → JP2 with opj_compress (lossy, ratio 8), in a private temporary directory. */
export function pgmToJp2(pgm: Uint8Array): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'kazasu-face-'));
  try {
    const input = join(dir, 'face.pgm');
    const output = join(dir, 'face.jp2');
    writeFileSync(input, pgm);
    try {
      execFileSync('opj_compress', ['-i', input, '-o', output, '-r', '8'], { stdio: 'pipe' });
    } catch (error) {
      throw new Error('opj_compress failed: install it with "apt-get install libopenjp2-tools"', {
        cause: error,
      });
    }
    return new Uint8Array(readFileSync(output));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CELL = 12;
const LINE_MARGIN = 2;

/**
 * A line of "text" as a 1-bit PNG: one 12×12 cell per character, inked with a pattern taken
 * from the character's code point, so different strings give different images. Not legible:
 * the simulator does not render Japanese.
 */
export function textLinePng(text: string): Uint8Array {
  const codes = [...text].map((c) => c.codePointAt(0) ?? 0);
  const bitmap: Bitmap = {
    width: codes.length * CELL + 2 * LINE_MARGIN,
    height: CELL + 2 * LINE_MARGIN,
    ink(x, y) {
      const cx = x - LINE_MARGIN;
      const cy = y - LINE_MARGIN;
      if (cx < 0 || cy < 0 || cy >= CELL) return false;
      const code = codes[Math.floor(cx / CELL)];
      if (code === undefined || code === 0x3000 || code === 0x20) return false; // spaces stay blank
      const gx = Math.floor((cx % CELL) / 3);
      const gy = Math.floor(cy / 3);
      if (cx % CELL === CELL - 1 || cy === CELL - 1) return false; // gap between glyphs
      return ((code >> ((gy * 4 + gx) % 16)) & 1) === 1 || gx === ((code >> 4) & 3);
    },
  };
  return encodePng1Bit(bitmap);
}

/** The security code as a small 1-bit PNG of digits. */
export function securityCodePng(code: string): Uint8Array {
  return encodePng1Bit(
    digitsBitmap(code, SIM_CHOICE.DIGIT_IMAGE_SCALE, SIM_CHOICE.DIGIT_IMAGE_MARGIN),
  );
}
