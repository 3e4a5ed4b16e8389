/**
 * What the counter needs from forms and printing, as a small interface of its own: the
 * procedures the municipality's templates offer, filling and preflighting forms for a case,
 * rendering the PDF, and printing it with the job followed to its end. compose-forms.ts connects
 * it to kiosk/forms and the printer; tests give it fakes.
 */
import type { CaseData, FilledForm, PreflightFlag } from '../../shared/contracts/forms.ts';

/** Something staff type for a form (`staff.input` fields with this key): 転入日, 使用目的 … */
export interface StaffInputInfo {
  readonly key: string;
  readonly label: string;
  /** A date (the form prints it as 令和…). */
  readonly date: boolean;
  /** Typed once per person of the form (a field in its household rows), not once per case. */
  readonly perPerson: boolean;
}

export interface ProcedureInfo {
  /** The form id: one procedure, one form. */
  readonly id: string;
  readonly title: string;
  /** 個人番号利用事務: the flow reads the My Number for it (never printed). */
  readonly myNumberUse: boolean;
  /** What staff type for this form; absent: nothing known. */
  readonly inputs?: readonly StaffInputInfo[];
}

/** How a print job stands while it is followed (hardware/printing JobState, as the screen shows it). */
export interface PrintProgress {
  readonly kind: 'submitting' | 'queued' | 'printing' | 'waiting' | 'completed' | 'failed';
  /** Why it waits or failed (paper-out, offline, printer-stopped …). */
  readonly problem?: string;
  readonly jobId?: string;
}

export interface PreparedForms {
  /** Each value with its origin (card, resident record …) and its person: the review screen. */
  readonly forms: readonly FilledForm[];
  readonly flags: readonly PreflightFlag[];
  readonly pages: number;
}

export type PrintOutcome =
  | {
      readonly ok: true;
      readonly jobId: string;
      /** Where the printed file is, when the printer makes one (a cups-pdf queue). */
      readonly output?: string;
    }
  | { readonly ok: false; readonly code: string; readonly jobId?: string };

export interface CounterForms {
  procedures(): readonly ProcedureInfo[];
  prepare(data: CaseData): Promise<PreparedForms>;
  /** The PDF; `accepted` are the ids of the preflight flags staff accepted. */
  render(prepared: PreparedForms, accepted: readonly string[]): Promise<Uint8Array>;
  /**
   * Prints and follows the job to done or error (paper out, printer offline …). `title` names
   * the job in CUPS logs and file names: the case id, never personal data.
   */
  print(
    pdf: Uint8Array,
    job: { readonly title: string; readonly onState?: (state: PrintProgress) => void },
  ): Promise<PrintOutcome>;
}

/** Flags staff must accept before printing. */
export function blockingFlags(prepared: PreparedForms): readonly PreflightFlag[] {
  return prepared.flags.filter((f) => f.needsAcceptance);
}
