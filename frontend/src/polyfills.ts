// Run-time APIs that dependencies call but the oldest supported engines lack: 360 Browser's speed
// mode (about Chrome 86) and Firefox ESR 78. Build targets only lower syntax, never add APIs.
// Pinia 4 calls Object.hasOwn (Chrome 93, Firefox 92) in $patch and hydration; the Array methods are
// cheap insurance for later dependencies. Our own code cannot call them: tsconfig's lib is ES2020.

type Predicate = (value: unknown, index: number, array: unknown[]) => unknown

function define(target: object, name: string, value: unknown) {
  if (!(name in target)) {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false })
  }
}

/** Adds what `objectCtor` (Object) and `arrayProto` (Array.prototype) lack; parameters for tests. */
export function installPolyfills(objectCtor: object = Object, arrayProto: object = Array.prototype) {
  define(objectCtor, 'hasOwn', (obj: object, key: PropertyKey) => Object.prototype.hasOwnProperty.call(obj, key))

  define(arrayProto, 'at', function at(this: unknown[], index: number) {
    const n = Math.trunc(index) || 0
    const i = n < 0 ? this.length + n : n
    return i >= 0 && i < this.length ? this[i] : undefined
  })

  define(arrayProto, 'findLast', function findLast(this: unknown[], pred: Predicate, thisArg?: unknown) {
    for (let i = this.length - 1; i >= 0; i--) if (pred.call(thisArg, this[i], i, this)) return this[i]
    return undefined
  })

  define(arrayProto, 'findLastIndex', function findLastIndex(this: unknown[], pred: Predicate, thisArg?: unknown) {
    for (let i = this.length - 1; i >= 0; i--) if (pred.call(thisArg, this[i], i, this)) return i
    return -1
  })
}

installPolyfills()
