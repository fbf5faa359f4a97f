import type { EventStore } from '../../handlers/ports/eventStore';

/**
 * The store with some of its methods replaced (to count, delay or cut calls); every other member is the store's own,
 * bound to it, so the store under the overrides is still the real one.
 */
export function withOverrides<Store extends EventStore>(store: Store, overrides: Partial<EventStore>): Store {
  return new Proxy(store, {
    get(target, name) {
      if (Object.hasOwn(overrides, name)) return (overrides as Record<string | symbol, unknown>)[name];
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
