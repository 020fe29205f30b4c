/**
 * Pending stack releases: a binary min-heap of (release time, order, skb) in
 * typed arrays. Ties on time release in the order they were pushed (delivery
 * order), so a batched reader frees a batch oldest first. Its capacity follows
 * the number of skbs held at once, never the number of packets.
 */
export class ReleaseHeap {
  /** Entries in the heap. */
  size = 0;
  private times: Float64Array;
  private orders: Float64Array;
  private skbs: Int32Array;
  private pushed = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.orders = new Float64Array(initialCapacity);
    this.skbs = new Int32Array(initialCapacity);
  }

  /** Slots allocated (grows by doubling). */
  get capacity(): number {
    return this.times.length;
  }

  /** Release time of the earliest entry, Infinity when empty. */
  topTime(): number {
    return this.size > 0 ? this.times[0] : Number.POSITIVE_INFINITY;
  }

  /** Add `skb`, to be released at `timeNs`. */
  push(timeNs: number, skb: number): void {
    if (this.size === this.times.length) this.grow();
    const times = this.times;
    const orders = this.orders;
    const skbs = this.skbs;
    const order = this.pushed++;
    let i = this.size++;
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < timeNs || (pt === timeNs && orders[parent] < order)) break;
      times[i] = pt;
      orders[i] = orders[parent];
      skbs[i] = skbs[parent];
      i = parent;
    }
    times[i] = timeNs;
    orders[i] = order;
    skbs[i] = skb;
  }

  /** Remove and return the earliest entry's skb. The heap must not be empty. */
  pop(): number {
    const times = this.times;
    const orders = this.orders;
    const skbs = this.skbs;
    const top = skbs[0];
    const n = --this.size;
    if (n === 0) return top;
    const t = times[n];
    const o = orders[n];
    const s = skbs[n];
    let i = 0;
    // Sift the last entry down from the root.
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        (times[right] < times[child] || (times[right] === times[child] && orders[right] < orders[child]))
      ) {
        child = right;
      }
      const ct = times[child];
      if (t < ct || (t === ct && o < orders[child])) break;
      times[i] = ct;
      orders[i] = orders[child];
      skbs[i] = skbs[child];
      i = child;
    }
    times[i] = t;
    orders[i] = o;
    skbs[i] = s;
    return top;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    const o = new Float64Array(cap);
    o.set(this.orders);
    const s = new Int32Array(cap);
    s.set(this.skbs);
    this.times = t;
    this.orders = o;
    this.skbs = s;
  }
}
