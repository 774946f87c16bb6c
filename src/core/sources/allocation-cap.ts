/**
 * Binary buffers live outside the JavaScript heap, so a heap limit does not bound them: a 2 MB PDF
 * whose content stream is a flate bomb had pdf.js grow one decode buffer to 1.3 GB. Run in a parse
 * process only, `capAllocations` counts every byte of typed arrays and ArrayBuffers
 * the parsers create (pdf.js's decoders, jszip, pako all allocate through these constructors) and
 * stops the parse once the total passes the cap. The count is cumulative, so it bounds the work of
 * decoding as well as the memory it holds.
 */

const CONSTRUCTORS = [
  'ArrayBuffer',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export class AllocationCapExceeded extends RangeError {
  constructor(readonly maxBytes: number) {
    super(`the parser allocated more than ${maxBytes} bytes of buffers`);
  }
}

type AnyConstructor = new (...args: unknown[]) => object;

/**
 * Replaces the global buffer constructors of this thread by counting subclasses. `instanceof` keeps
 * working for arrays made before or elsewhere (Node's Buffers). Calls `onExceeded` once, then throws
 * at every allocation past the cap (a parser that catches the error gets nothing more).
 */
export function capAllocations(maxBytes: number, onExceeded: () => void): { allocated(): number } {
  let allocated = 0;
  let reported = false;
  const charge = (bytes: number) => {
    allocated += bytes;
    if (allocated <= maxBytes) return;
    if (!reported) {
      reported = true;
      onExceeded();
    }
    throw new AllocationCapExceeded(maxBytes);
  };
  const globals = globalThis as unknown as Record<string, AnyConstructor & { BYTES_PER_ELEMENT?: number }>;
  for (const name of CONSTRUCTORS) {
    const Original = globals[name];
    if (!Original) continue;
    const unit = Original.BYTES_PER_ELEMENT ?? 1;
    const Counted = class extends Original {
      constructor(...args: unknown[]) {
        charge(bytesRequested(args[0], unit));
        super(...args);
      }
      static override [Symbol.hasInstance](value: unknown): boolean {
        return value instanceof Original;
      }
    };
    Object.defineProperty(Counted, 'name', { value: name });
    globals[name] = Counted;
  }
  return { allocated: () => allocated };
}

/** The bytes a constructor call will allocate: none for a view over an existing buffer. */
function bytesRequested(first: unknown, unit: number): number {
  if (typeof first === 'number') return first * unit;
  if (first instanceof ArrayBuffer || first instanceof SharedArrayBuffer) return 0;
  if (first !== null && typeof first === 'object') {
    const length = (first as { length?: unknown }).length;
    return typeof length === 'number' ? length * unit : 0;
  }
  return 0;
}
