import { Listeners } from '../hub.ts';
import type { SimulatedCard } from './card.ts';

/** Which command a pull or stall applies to: a predicate, or "the n-th command from now" (1 = next). */
export type CommandTrigger = number | ((command: Uint8Array, index: number) => boolean);

export type SlotAnswer =
  | { readonly kind: 'response'; readonly bytes: Uint8Array }
  /** The card left the field instead of answering. */
  | { readonly kind: 'pulled' }
  /** The card never answers this command (a stuck card or reader). */
  | { readonly kind: 'stalled' }
  | { readonly kind: 'empty' };

export type SlotEvent =
  | { readonly type: 'inserted'; readonly card: SimulatedCard; readonly eventCount: number }
  | { readonly type: 'removed'; readonly eventCount: number };

interface Armed {
  readonly action: 'pull' | 'stall';
  readonly matches: (command: Uint8Array, index: number) => boolean;
}

/**
 * A virtual reader slot holding at most one simulated card, with the reader-side events a
 * test or demo drives at runtime: insert, remove, swap, and a pull or stall armed for a chosen
 * command. The event counter counts insertions and removals like pcsc-lite's.
 */
export class CardSlot {
  readonly name: string;
  private current: SimulatedCard | undefined;
  private count = 0;
  private commandsSinceInsert = 0;
  private armed: Armed | undefined;
  private readonly listeners = new Listeners<SlotEvent>();

  constructor(name: string) {
    this.name = name;
  }

  get card(): SimulatedCard | undefined {
    return this.current;
  }

  get eventCount(): number {
    return this.count;
  }

  subscribe(listener: (event: SlotEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Places a card; a card already there is removed first (two events, like a real swap). */
  insert(card: SimulatedCard): void {
    if (this.current) this.remove();
    card.reset();
    this.current = card;
    this.count += 1;
    this.commandsSinceInsert = 0;
    this.listeners.emit({ type: 'inserted', card, eventCount: this.count });
  }

  remove(): void {
    if (!this.current) return;
    this.current = undefined;
    this.armed = undefined;
    this.count += 1;
    this.listeners.emit({ type: 'removed', eventCount: this.count });
  }

  swap(card: SimulatedCard): void {
    this.insert(card);
  }

  /** Arms a pull: the matching command removes the card instead of being answered. */
  pullOn(trigger: CommandTrigger): void {
    this.armed = { action: 'pull', matches: this.matcher(trigger) };
  }

  /** Arms a stall: the matching command is never answered; the card stays. */
  stallOn(trigger: CommandTrigger): void {
    this.armed = { action: 'stall', matches: this.matcher(trigger) };
  }

  /** Power-on or warm reset from the reader. */
  resetCard(): void {
    this.current?.reset();
  }

  exchange(command: Uint8Array): SlotAnswer {
    const card = this.current;
    if (!card) return { kind: 'empty' };
    const index = this.commandsSinceInsert;
    this.commandsSinceInsert += 1;
    const armed = this.armed;
    if (armed && armed.matches(command, index)) {
      this.armed = undefined;
      if (armed.action === 'pull') {
        this.remove();
        return { kind: 'pulled' };
      }
      return { kind: 'stalled' };
    }
    return { kind: 'response', bytes: card.process(command) };
  }

  private matcher(trigger: CommandTrigger): Armed['matches'] {
    if (typeof trigger === 'function') return trigger;
    const target = this.commandsSinceInsert + Math.max(1, Math.floor(trigger)) - 1;
    return (_command, index) => index === target;
  }
}
