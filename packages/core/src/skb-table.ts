const NONE = -1;

/**
 * Live skbs and their page fragments, in typed arrays.
 *
 * One record per received packet: the head skb and any skbs chained after
 * `MAX_SKB_FRAGS` fragments are one record here, because the stack frees them
 * together. The first fragment lives in the skb's own record (`firstPage`,
 * `firstOff`, `firstLen`): most packets fit one buffer, and those then touch
 * no fragment record at all. Later fragments form an index-linked list from
 * `fragHead`. Ids are reused.
 */
export class SkbTable {
  /** Live skbs. */
  live = 0;
  /** Most skbs alive at once. */
  peakLive = 0;

  /** Fragments of each skb, -1 once it is freed. */
  fragCount: Int32Array;
  /** The first fragment of each skb (valid when `fragCount` ≥ 1). */
  firstPage: Int32Array;
  firstOff: Int32Array;
  firstLen: Int32Array;
  /** The second and later fragments: list head and tail, or -1. */
  fragHead: Int32Array;
  fragTail: Int32Array;
  cookie: Float64Array;
  private skbNextFree: Int32Array;
  private freeSkb = NONE;
  private nextSkb = 0;

  fragPage: Int32Array;
  fragOff: Int32Array;
  fragLen: Int32Array;
  fragNext: Int32Array;
  private freeFrag = NONE;
  private nextFrag = 0;

  constructor(initial = 256) {
    this.fragCount = new Int32Array(initial);
    this.firstPage = new Int32Array(initial);
    this.firstOff = new Int32Array(initial);
    this.firstLen = new Int32Array(initial);
    this.fragHead = new Int32Array(initial);
    this.fragTail = new Int32Array(initial);
    this.cookie = new Float64Array(initial);
    this.skbNextFree = new Int32Array(initial);
    this.fragPage = new Int32Array(initial);
    this.fragOff = new Int32Array(initial);
    this.fragLen = new Int32Array(initial);
    this.fragNext = new Int32Array(initial);
  }

  /** Skb records the table has room for before it grows. */
  get capacity(): number {
    return this.fragCount.length;
  }

  /** Allocate an empty skb record: {@link reserve}, {@link open} and {@link countLive} in one. */
  allocSkb(cookie: number): number {
    const s = this.reserve();
    this.open(s, cookie);
    this.countLive();
    return s;
  }

  /**
   * Take a record id off the free list without opening it: not live, nothing
   * written. The queue builds a one-buffer packet's skb under such an id and
   * writes the record only if the skb must outlive the stack's `deliver`.
   */
  reserve(): number {
    let s = this.freeSkb;
    if (s !== NONE) {
      this.freeSkb = this.skbNextFree[s];
    } else {
      s = this.nextSkb++;
      if (s >= this.fragCount.length) this.growSkbs();
    }
    this.fragCount[s] = -1;
    return s;
  }

  /** Write reserved record `s` as an empty skb (counted live separately: {@link countLive}). */
  open(s: number, cookie: number): void {
    this.fragHead[s] = NONE;
    this.fragCount[s] = 0;
    this.cookie[s] = cookie;
  }

  /** One more live skb (its record may not be written yet). */
  countLive(): void {
    if (++this.live > this.peakLive) this.peakLive = this.live;
  }

  /** One live skb fewer, for an skb released without a written record. */
  countFreed(): void {
    this.live--;
  }

  /** Append a fragment to skb `s`. */
  addFrag(s: number, page: number, off: number, len: number): void {
    const n = this.fragCount[s]++;
    if (n === 0) {
      this.firstPage[s] = page;
      this.firstOff[s] = off;
      this.firstLen[s] = len;
      return;
    }
    let f = this.freeFrag;
    if (f !== NONE) {
      this.freeFrag = this.fragNext[f];
    } else {
      f = this.nextFrag++;
      if (f >= this.fragPage.length) this.growFrags();
    }
    this.fragPage[f] = page;
    this.fragOff[f] = off;
    this.fragLen[f] = len;
    this.fragNext[f] = NONE;
    if (n === 1) this.fragHead[s] = f;
    else this.fragNext[this.fragTail[s]] = f;
    this.fragTail[s] = f;
  }

  /** Return skb `s` and its fragment records to the free lists (after the caller released the pages). */
  freeSkbRecord(s: number): void {
    let f = this.fragCount[s] > 1 ? this.fragHead[s] : NONE;
    while (f !== NONE) {
      const next = this.fragNext[f];
      this.fragNext[f] = this.freeFrag;
      this.freeFrag = f;
      f = next;
    }
    this.fragCount[s] = -1;
    this.skbNextFree[s] = this.freeSkb;
    this.freeSkb = s;
    this.live--;
  }

  /** True when `s` names a live skb with a written record (not a reserved id). */
  isLive(s: number): boolean {
    return s >= 0 && s < this.nextSkb && this.fragCount[s] >= 0;
  }

  /** The fragments of skb `s` in order, as `[page, offset, len]`: for tests and reports, not hot paths. */
  fragments(s: number): [number, number, number][] {
    const n = this.fragCount[s];
    const out: [number, number, number][] = [];
    if (n > 0) out.push([this.firstPage[s], this.firstOff[s], this.firstLen[s]]);
    if (n > 1)
      for (let f = this.fragHead[s]; f !== NONE; f = this.fragNext[f])
        out.push([this.fragPage[f], this.fragOff[f], this.fragLen[f]]);
    return out;
  }

  /** Ids of every live skb, ascending. */
  liveSkbs(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.nextSkb; s++) if (this.fragCount[s] >= 0) out.push(s);
    return out;
  }

  private growSkbs(): void {
    const cap = this.fragCount.length * 2;
    this.fragCount = growI32(this.fragCount, cap);
    this.firstPage = growI32(this.firstPage, cap);
    this.firstOff = growI32(this.firstOff, cap);
    this.firstLen = growI32(this.firstLen, cap);
    this.fragHead = growI32(this.fragHead, cap);
    this.fragTail = growI32(this.fragTail, cap);
    this.skbNextFree = growI32(this.skbNextFree, cap);
    const c = new Float64Array(cap);
    c.set(this.cookie);
    this.cookie = c;
  }

  private growFrags(): void {
    const cap = this.fragPage.length * 2;
    this.fragPage = growI32(this.fragPage, cap);
    this.fragOff = growI32(this.fragOff, cap);
    this.fragLen = growI32(this.fragLen, cap);
    this.fragNext = growI32(this.fragNext, cap);
  }
}

function growI32(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
