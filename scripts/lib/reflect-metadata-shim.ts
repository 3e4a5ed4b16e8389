/**
 * The three Reflect metadata functions tsyringe (a dependency of @peculiar/x509) checks for at
 * load, so the fixture generator needs no `reflect-metadata` package. Import this module
 * before @peculiar/x509. Metadata is kept per target object; `getMetadata` walks the
 * prototype chain as the proposal specifies.
 */
type MetadataStore = WeakMap<object, Map<unknown, unknown>>;

const reflect = Reflect as unknown as Record<string, unknown>;

if (typeof reflect['getMetadata'] !== 'function') {
  const store: MetadataStore = new WeakMap();
  const own = (target: object, key: unknown): unknown => store.get(target)?.get(key);
  reflect['defineMetadata'] = (key: unknown, value: unknown, target: object): void => {
    const map = store.get(target) ?? new Map<unknown, unknown>();
    map.set(key, value);
    store.set(target, map);
  };
  reflect['getOwnMetadata'] = (key: unknown, target: object): unknown => own(target, key);
  reflect['getMetadata'] = (key: unknown, target: object): unknown => {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
      const found = store.get(t);
      if (found?.has(key)) return found.get(key);
    }
    return undefined;
  };
}

export {};
