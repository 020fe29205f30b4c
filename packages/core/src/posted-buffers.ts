const NONE = -1;

/**
 * Where each outstanding buffer id was posted (page and offset), as the
 * driver's buf state knows it: the device echoes only the id, and the skb
 * must reference exactly the bytes the device wrote. An id is outstanding
 * from its post until the strategy takes it back. Typed arrays, grown by doubling.
 */
export class PostedBuffers {
  private pageById = new Int32Array(1024).fill(NONE);
  private offsetById = new Int32Array(1024);
  private largest = NONE;

  /** Largest buffer id ever posted (-1: none yet). */
  get largestId(): number {
    return this.largest;
  }

  /** True while `bufId` is posted and not yet taken back. */
  isOutstanding(bufId: number): boolean {
    return bufId >= 0 && bufId < this.pageById.length && this.pageById[bufId] !== NONE;
  }

  /** The page `bufId` was posted at, or -1 when it is not outstanding (or out of range). */
  page(bufId: number): number {
    return bufId >= 0 && bufId < this.pageById.length ? this.pageById[bufId] : NONE;
  }

  /** The offset `bufId` was posted at (0 when out of range). */
  offset(bufId: number): number {
    return bufId >= 0 && bufId < this.offsetById.length ? this.offsetById[bufId] : 0;
  }

  /** `bufId` was posted at `page` + `offset`. */
  remember(bufId: number, page: number, offset: number): void {
    if (bufId < 0) return;
    if (bufId >= this.pageById.length) this.grow(bufId);
    this.pageById[bufId] = page;
    this.offsetById[bufId] = offset;
    if (bufId > this.largest) this.largest = bufId;
  }

  /** The strategy took `bufId` back: it is no longer outstanding. */
  release(bufId: number): void {
    if (bufId >= 0 && bufId < this.pageById.length) this.pageById[bufId] = NONE;
  }

  private grow(bufId: number): void {
    let cap = this.pageById.length;
    while (cap <= bufId) cap *= 2;
    const p = new Int32Array(cap).fill(NONE);
    p.set(this.pageById);
    const o = new Int32Array(cap);
    o.set(this.offsetById);
    this.pageById = p;
    this.offsetById = o;
  }
}
