/** A small typed event fan-out that never lets one listener's exception reach another. */
export class Listeners<E> {
  private readonly set = new Set<(event: E) => void>();
  private readonly onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => undefined) {
    this.onListenerError = onListenerError;
  }

  add(listener: (event: E) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  emit(event: E): void {
    for (const l of [...this.set]) {
      try {
        l(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get size(): number {
    return this.set.size;
  }
}
