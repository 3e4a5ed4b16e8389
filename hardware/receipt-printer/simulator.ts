/**
 * A simulated ESC/POS receipt printer on the device end of a serial link (a socat pty in
 * integration tests and the demo): it decodes what it receives as a Japanese TM printer would
 * (Kanji mode, Shift_JIS), keeps the text it printed, one receipt per cut, and answers DLE EOT
 * status requests. Faults: out of paper (now, or after N more lines), cover open, silent.
 * While it cannot print, received data waits in its buffer and prints when paper is loaded, as
 * on a real printer.
 */
import { decodeShiftJis } from '../../shared/shift-jis.ts';
import type { SerialLink } from '../serial/link.ts';
import { CODE_TABLE_KATAKANA } from './constants.ts';
import { EscPosParser, type EscPosOp } from './escpos.ts';
import { encodeStatusByte } from './status.ts';

export interface PrintedReceipt {
  readonly lines: readonly string[];
  /** False when the paper ran out before the cut. */
  readonly cut: boolean;
}

export class ReceiptPrinterSimulator {
  /** Answers nothing at all (power off, cable pulled at the printer). */
  silent = false;
  coverOpen = false;
  paperNearEnd = false;
  /** Cut receipts, oldest first. */
  readonly receipts: PrintedReceipt[] = [];
  /** Ops the parser did not recognise (a driver bug shows up here). */
  readonly unknown: Uint8Array[] = [];
  private paperOutNow = false;
  private linesLeft = Number.POSITIVE_INFINITY;
  private readonly parser = new EscPosParser();
  private readonly held: EscPosOp[] = [];
  private kanji = false;
  /** Japanese TM models start in the JIS code system unless told FS C 1. */
  private kanjiSystem: 'jis' | 'shift_jis' = 'jis';
  private codeTable = 0;
  private line: number[] = [];
  private printed: string[] = [];
  private readonly listeners = new Set<(receipt: PrintedReceipt) => void>();
  private readonly off: () => void;

  constructor(private readonly link: SerialLink) {
    this.off = link.onData((chunk) => this.receive(chunk));
  }

  get paperOut(): boolean {
    return this.paperOutNow;
  }

  /** Empties the roll now, or after `afterLines` more printed lines. */
  runOutOfPaper(afterLines = 0): void {
    if (afterLines <= 0) this.paperOutNow = true;
    else this.linesLeft = afterLines;
  }

  /** A new roll: printing resumes with whatever waited in the buffer. */
  loadPaper(): void {
    this.paperOutNow = false;
    this.linesLeft = Number.POSITIVE_INFINITY;
    const waiting = this.held.splice(0);
    for (const op of waiting) this.apply(op);
  }

  /** Lines printed since the last cut. */
  get currentLines(): readonly string[] {
    return this.printed;
  }

  onReceipt(listener: (receipt: PrintedReceipt) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.off();
    await this.link.close();
  }

  private receive(chunk: Uint8Array): void {
    for (const op of this.parser.push(chunk)) {
      if (op.op === 'status-request') this.answer(op.n);
      else if (this.paperOutNow || this.coverOpen || this.held.length > 0) this.held.push(op);
      else this.apply(op);
    }
  }

  private answer(n: number): void {
    if (this.silent) return;
    const byte = encodeStatusByte(n, {
      online: true,
      coverOpen: this.coverOpen,
      paperOut: this.paperOutNow,
      paperNearEnd: this.paperNearEnd,
      error: false,
    });
    void this.link.write(Uint8Array.of(byte)).catch(() => undefined);
  }

  private text(bytes: readonly number[]): string {
    const b = Uint8Array.from(bytes);
    if (this.kanji && this.kanjiSystem === 'shift_jis') return decodeShiftJis(b) ?? '';
    if (this.kanji) return '?'.repeat(Math.ceil(b.length / 2)); // JIS: not what we send
    // Outside Kanji mode each byte is one character of the code table: a driver that forgot
    // FS & prints mojibake here, as on paper.
    return [...b]
      .map((x) =>
        x < 0x80
          ? String.fromCharCode(x)
          : this.codeTable === CODE_TABLE_KATAKANA && x >= 0xa1 && x <= 0xdf
            ? String.fromCharCode(0xff61 + x - 0xa1)
            : '?',
      )
      .join('');
  }

  private apply(op: EscPosOp): void {
    if (this.paperOutNow) {
      this.held.push(op);
      return;
    }
    switch (op.op) {
      case 'init':
        this.kanji = false;
        this.kanjiSystem = 'jis';
        this.codeTable = 0;
        this.line = [];
        break;
      case 'text':
        this.line.push(...op.bytes);
        break;
      case 'line-feed':
        this.feedLine(this.text(this.line));
        this.line = [];
        break;
      case 'feed':
        for (let i = 0; i < op.lines && !this.paperOutNow; i += 1) this.feedLine('');
        break;
      case 'cut': {
        if (this.line.length > 0) this.feedLine(this.text(this.line));
        this.line = [];
        const receipt = { lines: trimBlankEnd(this.printed), cut: true };
        this.receipts.push(receipt);
        this.printed = [];
        for (const l of [...this.listeners]) l(receipt);
        break;
      }
      case 'kanji':
        this.kanji = op.on;
        break;
      case 'code-table':
        this.codeTable = op.page;
        break;
      case 'unknown':
        this.unknown.push(op.bytes);
        break;
      case 'kanji-code':
        this.kanjiSystem = op.system;
        break;
      case 'justify':
      case 'emphasis':
      case 'size':
      case 'status-request':
        break;
    }
  }

  private feedLine(text: string): void {
    this.printed.push(text);
    this.linesLeft -= 1;
    if (this.linesLeft <= 0) {
      this.paperOutNow = true;
      this.linesLeft = Number.POSITIVE_INFINITY;
    }
  }
}

function trimBlankEnd(lines: readonly string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
}
