/**
 * Dynamic dispatch. A Proxy sits at the end of a prototype chain (after the
 * class's own methods and the event emitter's): a property that is not found
 * anywhere before it reaches the Proxy, which asks `synthesize` for a method.
 * A method it returns is defined on the prototype, so from then on the name
 * costs a normal property lookup. Names that are not commands stay
 * `undefined` (so `then`, Symbol.toPrimitive, util.inspect and duck-typing
 * checks behave as with ioredis).
 */
export type Synthesizer = (name: string) => ((...args: unknown[]) => unknown) | undefined;

export function installDispatchProxy(prototype: object, synthesize: Synthesizer): void {
  const base = Object.getPrototypeOf(prototype) as object;
  const proxy = new Proxy(base, {
    get(target, property, receiver) {
      if (typeof property !== "string" || property in target) return Reflect.get(target, property, receiver);
      const method = synthesize(property);
      if (method === undefined) return undefined;
      Object.defineProperty(prototype, property, {
        value: method,
        writable: true,
        configurable: true,
        enumerable: false,
      });
      return method;
    },
    has(target, property) {
      if (Reflect.has(target, property)) return true;
      return typeof property === "string" && synthesize(property) !== undefined;
    },
  });
  Object.setPrototypeOf(prototype, proxy);
}
