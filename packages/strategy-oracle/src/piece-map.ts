import { NONE } from "./constants.js";

/**
 * Which buffer-sized pieces of each page the oracle holds are free: one
 * bitmap per page in a flat `Uint32Array` (bit set = free), a free count per
 * page, and an index-linked stack of the pages that have a free piece, so
 * finding a free piece is O(1) in pages and O(pieces / 32) in words.
 *
 * Arrays are indexed by page id (small integers, like pfns) and grow with the
 * largest id seen. A piece is named globally by `page * piecesPerPage + piece`.
 */
export class PieceMap {
  /** Pieces in a page. */
  readonly piecesPerPage: number;
  /** Free pieces over every page held. */
  freePieces = 0;
  /** Pages held. */
  pagesHeld = 0;

  private readonly words: number;
  private free: Uint32Array;
  private used: Uint32Array;
  private freeCount: Int32Array;
  private next: Int32Array;
  private held: Uint8Array;
  private head = NONE;
  private capacity = 0;

  constructor(piecesPerPage: number, initialPages = 64) {
    this.piecesPerPage = piecesPerPage;
    this.words = Math.ceil(piecesPerPage / 32);
    this.free = new Uint32Array(0);
    this.used = new Uint32Array(0);
    this.freeCount = new Int32Array(0);
    this.next = new Int32Array(0);
    this.held = new Uint8Array(0);
    this.grow(initialPages);
  }

  /** True when `page` is one of the held pages. */
  holds(page: number): boolean {
    return page >= 0 && page < this.capacity && this.held[page] === 1;
  }

  /** A freshly allocated page: every piece free and never used. */
  addPage(page: number): void {
    if (page >= this.capacity) this.grow(Math.max(page + 1, this.capacity * 2));
    const base = page * this.words;
    const p = this.piecesPerPage;
    for (let w = 0; w < this.words; w++) {
      const bits = Math.min(32, p - w * 32);
      this.free[base + w] = bits === 32 ? 0xffffffff : (1 << bits) - 1;
      this.used[base + w] = 0;
    }
    this.held[page] = 1;
    this.freeCount[page] = p;
    this.freePieces += p;
    this.pagesHeld++;
    this.push(page);
  }

  /** Take a free piece (the lowest of the most recently freed page); {@link NONE} when none is free. */
  take(): number {
    const page = this.head;
    if (page === NONE) return NONE;
    const base = page * this.words;
    let w = 0;
    while (this.free[base + w] === 0) w++;
    const x = this.free[base + w];
    const bit = 31 - Math.clz32(x & -x);
    this.free[base + w] = x & (x - 1);
    this.freePieces--;
    if (--this.freeCount[page] === 0) this.head = this.next[page];
    return page * this.piecesPerPage + w * 32 + bit;
  }

  /**
   * `piece` of `page` is free again. Returns false, changing nothing, when the
   * page is not held or the piece is already free.
   */
  markFree(page: number, piece: number): boolean {
    if (!this.holds(page) || piece < 0 || piece >= this.piecesPerPage) return false;
    const i = page * this.words + (piece >>> 5);
    const mask = 1 << (piece & 31);
    if ((this.free[i] & mask) !== 0) return false;
    this.free[i] |= mask;
    this.freePieces++;
    if (this.freeCount[page]++ === 0) this.push(page);
    return true;
  }

  /** True the first time a piece is posted since its page was allocated (and marks it used). */
  firstUse(pieceIndex: number): boolean {
    const page = Math.floor(pieceIndex / this.piecesPerPage);
    const piece = pieceIndex - page * this.piecesPerPage;
    const i = page * this.words + (piece >>> 5);
    const mask = 1 << (piece & 31);
    if ((this.used[i] & mask) !== 0) return false;
    this.used[i] |= mask;
    return true;
  }

  /** Free pieces of `page` (0 when not held). */
  freeOf(page: number): number {
    return this.holds(page) ? this.freeCount[page] : 0;
  }

  /** Ids of every page held, ascending. */
  heldPages(): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.capacity; p++) if (this.held[p] === 1) out.push(p);
    return out;
  }

  /** Forget every page (teardown). */
  clear(): void {
    this.held.fill(0);
    this.freeCount.fill(0);
    this.head = NONE;
    this.freePieces = 0;
    this.pagesHeld = 0;
  }

  private push(page: number): void {
    this.next[page] = this.head;
    this.head = page;
  }

  private grow(capacity: number): void {
    const w = this.words;
    const free = new Uint32Array(capacity * w);
    free.set(this.free);
    const used = new Uint32Array(capacity * w);
    used.set(this.used);
    const freeCount = new Int32Array(capacity);
    freeCount.set(this.freeCount);
    const next = new Int32Array(capacity);
    next.set(this.next);
    const held = new Uint8Array(capacity);
    held.set(this.held);
    this.free = free;
    this.used = used;
    this.freeCount = freeCount;
    this.next = next;
    this.held = held;
    this.capacity = capacity;
  }
}
