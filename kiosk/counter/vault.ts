/**
 * Where a case's personal data lives while the case is open, and only there: the basic four
 * read from each person's card, their resident record, and staff inputs, bound to the person
 * (`p1`, `p2` …). Values are held as UTF-8 bytes so that wiping overwrites them with zeros; the
 * strings handed out for forms are transient copies the caller drops (a JS string cannot be
 * overwritten, only forgotten). Nothing here is ever written to disk, logged, or sent anywhere
 * but the forms and the backend look-up.
 *
 * The vault also makes the keyed hashes the state machine compares (card, person, resident):
 * HMAC-SHA256 with a random key made per vault and zeroed on `destroy`, so the hashes identify
 * nothing outside this process.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  normaliseAddress,
  normaliseName,
  type ResidentRecord,
} from '../../shared/contracts/residents.ts';
import type { CardFacts, CasePerson, ResidentLookup } from '../../shared/contracts/forms.ts';

const UTF8 = new TextEncoder();
const FROM_UTF8 = new TextDecoder();

type Held = Map<string, Uint8Array>;

interface PersonData {
  card?: Held;
  resident?: Held;
  lookup: ResidentLookup['state'];
  staff: Held;
}

const CARD_ITEMS = ['name', 'address', 'birthDate', 'sex'] as const;
const RESIDENT_ITEMS = [
  'residentId',
  'name',
  'nameKana',
  'birthDate',
  'sex',
  'address',
  'postalCode',
  'householdId',
  'householderName',
  'relationship',
  'residentSince',
  'phone',
] as const satisfies readonly (keyof ResidentRecord)[];

function hold(entries: Iterable<readonly [string, string | undefined]>): Held {
  const out: Held = new Map();
  for (const [k, v] of entries) if (v !== undefined) out.set(k, UTF8.encode(v));
  return out;
}

function wipeHeld(held: Held | undefined): void {
  if (!held) return;
  for (const bytes of held.values()) bytes.fill(0);
  held.clear();
}

function text(held: Held | undefined, key: string): string | undefined {
  const bytes = held?.get(key);
  return bytes ? FROM_UTF8.decode(bytes) : undefined;
}

export type HashKind = 'card' | 'person' | 'resident';

export class CaseVault {
  private readonly persons = new Map<string, PersonData>();
  private readonly caseStaff: Held = new Map();
  private readonly key: Buffer;

  constructor(random: (n: number) => Uint8Array = (n) => randomBytes(n)) {
    this.key = Buffer.from(random(32));
  }

  /** The keyed hash of an identifier (a card key, the four items, a resident id). */
  hash(kind: HashKind, value: string): string {
    return createHmac('sha256', this.key).update(`${kind}\0${value}`).digest('hex');
  }

  /** The four items as the register matches them, hashed: equal for the same person's cards. */
  personKey(card: CardFacts): string {
    return this.hash(
      'person',
      [normaliseName(card.name), card.birthDate, card.sex, normaliseAddress(card.address)].join(
        '\0',
      ),
    );
  }

  putCard(person: string, card: CardFacts): void {
    const p = this.entry(person);
    wipeHeld(p.card);
    p.card = hold(CARD_ITEMS.map((k) => [k, card[k]] as const));
  }

  card(person: string): CardFacts | undefined {
    const held = this.persons.get(person)?.card;
    if (!held || held.size === 0) return undefined;
    return {
      name: text(held, 'name') ?? '',
      address: text(held, 'address') ?? '',
      birthDate: text(held, 'birthDate') ?? '',
      sex: (text(held, 'sex') ?? 'not-known') as CardFacts['sex'],
    };
  }

  putResident(person: string, record: ResidentRecord): void {
    const p = this.entry(person);
    wipeHeld(p.resident);
    p.resident = hold(RESIDENT_ITEMS.map((k) => [k, record[k]?.toString()] as const));
    p.lookup = 'found';
  }

  setLookup(person: string, state: Exclude<ResidentLookup['state'], 'found'>): void {
    const p = this.entry(person);
    wipeHeld(p.resident);
    delete p.resident;
    p.lookup = state;
  }

  residentId(person: string): string | undefined {
    return text(this.persons.get(person)?.resident, 'residentId');
  }

  /** Staff inputs (フリガナ, 転入日 …): for a person, or for the case when `person` is undefined. */
  putStaffInput(person: string | undefined, key: string, value: string): void {
    const held = person === undefined ? this.caseStaff : this.entry(person).staff;
    held.get(key)?.fill(0);
    held.set(key, UTF8.encode(value));
  }

  caseStaffInputs(): Record<string, string> {
    return Object.fromEntries(
      [...this.caseStaff.keys()].map((k) => [k, text(this.caseStaff, k) ?? '']),
    );
  }

  /** The person as the forms see them: transient strings, dropped by the caller after use. */
  casePerson(person: string): CasePerson {
    const p = this.persons.get(person);
    const r = p?.resident;
    const resident: ResidentLookup =
      p?.lookup === 'found' && r
        ? {
            state: 'found',
            record: {
              nameKana: text(r, 'nameKana'),
              householderName: text(r, 'householderName'),
              relationship: text(r, 'relationship'),
              address: text(r, 'address'),
              postalCode: text(r, 'postalCode'),
              residentSince: text(r, 'residentSince'),
              phone: text(r, 'phone'),
            },
          }
        : { state: p?.lookup === 'found' ? 'pending' : (p?.lookup ?? 'not-requested') };
    const staff = p
      ? Object.fromEntries([...p.staff.keys()].map((k) => [k, text(p.staff, k) ?? '']))
      : {};
    return { personId: person, card: this.card(person), resident, staff };
  }

  has(person: string): boolean {
    return this.persons.has(person);
  }

  /** Overwrites and forgets everything of one person. */
  wipePerson(person: string): void {
    const p = this.persons.get(person);
    if (!p) return;
    wipeHeld(p.card);
    wipeHeld(p.resident);
    wipeHeld(p.staff);
    this.persons.delete(person);
  }

  /** Overwrites and forgets everything of the case. */
  wipeAll(): void {
    for (const id of [...this.persons.keys()]) this.wipePerson(id);
    wipeHeld(this.caseStaff);
  }

  /** Wipes the case and the hash key: no hash made by this vault can be recomputed. */
  destroy(): void {
    this.wipeAll();
    this.key.fill(0);
  }

  /** How many bytes of personal data are held (0 after a wipe): for tests and the demo. */
  get heldBytes(): number {
    let n = [...this.caseStaff.values()].reduce((a, b) => a + b.length, 0);
    for (const p of this.persons.values()) {
      for (const held of [p.card, p.resident, p.staff]) {
        for (const bytes of held?.values() ?? []) n += bytes.length;
      }
    }
    return n;
  }

  private entry(person: string): PersonData {
    let p = this.persons.get(person);
    if (!p) {
      p = { lookup: 'not-requested', staff: new Map() };
      this.persons.set(person, p);
    }
    return p;
  }
}
