// Scratch for training steps. Every step of a model allocates the same intermediates
// (the batch, each layer's output and gradient), and on the machines measured here a
// fresh Float32Array is far from free: its pages fault in on first touch, ~250 µs
// for 64 KB in Node and 60–340 µs for 16 KB in Chromium (docs/performance.md), more
// than a 16×1024×1024 product. Inside `withArena` every zero-filled matrix comes
// from the arena, and when the step ends its buffers are kept for the next step,
// which asks for the same lengths: after the first step a step allocates nothing.
//
// The price is a lifetime: a matrix made inside a step is reused by the next step
// of the same arena. Steps return numbers, and layer caches are rewritten by the
// next forward, so nothing in lib holds one longer; code that wants to keep a value
// made inside a step (a module caching its own state lazily) must `clone` it.

/** Float buffers reused from one training step to the next (see `withArena`). */
export class Arena {
  private free = new Map<number, Float32Array[]>();
  private taken: Float32Array[] = [];
  /** Buffers this arena had to allocate afresh, over its life (a step that reuses everything adds none). */
  allocations = 0;

  /** A zero-filled buffer of `length` floats: last step's, if it had one that long. */
  take(length: number): Float32Array {
    let buffer = this.free.get(length)?.pop();
    if (buffer) {
      buffer.fill(0);
    } else {
      buffer = new Float32Array(length);
      this.allocations++;
    }
    this.taken.push(buffer);
    return buffer;
  }

  /** Ends a step: what it took becomes what the next step may take (buffers it did not reuse are dropped). */
  recycle(): void {
    this.free = new Map();
    for (const buffer of this.taken) {
      const list = this.free.get(buffer.length);
      if (list) list.push(buffer);
      else this.free.set(buffer.length, [buffer]);
    }
    this.taken = [];
  }

  /** Floats the arena holds for the next step (for tests and memory readouts). */
  heldFloats(): number {
    let floats = 0;
    for (const list of this.free.values()) for (const buffer of list) floats += buffer.length;
    for (const buffer of this.taken) floats += buffer.length;
    return floats;
  }
}

let active: Arena | null = null;

/**
 * Runs `body` (one training step) with zero-filled matrices taken from `arena`,
 * then recycles them for the arena's next step. Nested calls use the outer arena.
 */
export function withArena<T>(arena: Arena, body: () => T): T {
  if (active) return body();
  active = arena;
  try {
    return body();
  } finally {
    active = null;
    arena.recycle();
  }
}

/** A zero-filled Float32Array: from the running step's arena, else fresh. */
export function allocate(length: number): Float32Array {
  return active ? active.take(length) : new Float32Array(length);
}

const arenas = new WeakMap<object, Arena>();

/** The arena of `owner`'s training steps (a model), made on first use and collected with it. */
export function arenaOf(owner: object): Arena {
  let arena = arenas.get(owner);
  if (!arena) arenas.set(owner, (arena = new Arena()));
  return arena;
}
