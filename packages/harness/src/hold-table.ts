/**
 * Hold times of packets received and not yet delivered, keyed by packet
 * sequence number (the completion cookie): a ring indexed by `seq & mask`.
 *
 * Every entry carries the epoch it was written in. The simulation starts a
 * new epoch whenever a poll leaves no completion behind: every packet received
 * before then has been delivered or dropped, so older entries (packets the
 * driver dropped: skb allocation failures, rejected buffer ids) are dead and
 * may be overwritten. The ring's size therefore follows the packets in flight
 * between device and stack, never the packets of the run; a live slot that
 * comes round again doubles it.
 */
export class HoldTable {
  /** The current epoch. */
  epoch = 0;
  private seqs: Float64Array;
  private holds: Float64Array;
  private epochs: Float64Array;
  private mask: number;

  constructor(minCapacity: number) {
    let cap = 1024;
    while (cap < minCapacity) cap *= 2;
    this.seqs = new Float64Array(cap).fill(-1);
    this.holds = new Float64Array(cap);
    this.epochs = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Slots allocated. */
  get capacity(): number {
    return this.seqs.length;
  }

  /** Remember packet `seq`'s hold. */
  put(seq: number, hold: number): void {
    let i = seq & this.mask;
    while (this.seqs[i] !== -1 && this.epochs[i] === this.epoch) {
      this.grow();
      i = seq & this.mask;
    }
    this.seqs[i] = seq;
    this.holds[i] = hold;
    this.epochs[i] = this.epoch;
  }

  /**
   * Take packet `seq`'s hold out of the table.
   * @throws when none is there: each packet has one end-of-packet completion, so this is a harness bug.
   */
  take(seq: number): number {
    const i = seq & this.mask;
    if (this.seqs[i] !== seq) throw new Error(`rxsim harness: no hold recorded for packet ${seq}`);
    this.seqs[i] = -1;
    return this.holds[i];
  }

  private grow(): void {
    let cap = this.seqs.length * 2;
    for (;;) {
      const seqs = new Float64Array(cap).fill(-1);
      const holds = new Float64Array(cap);
      const epochs = new Float64Array(cap);
      const mask = cap - 1;
      let clash = false;
      for (let i = 0; i < this.seqs.length && !clash; i++) {
        const s = this.seqs[i];
        // Only live entries move; dead ones are dropped.
        if (s === -1 || this.epochs[i] !== this.epoch) continue;
        const j = s & mask;
        if (seqs[j] !== -1) clash = true;
        seqs[j] = s;
        holds[j] = this.holds[i];
        epochs[j] = this.epoch;
      }
      if (!clash) {
        this.seqs = seqs;
        this.holds = holds;
        this.epochs = epochs;
        this.mask = mask;
        return;
      }
      cap *= 2;
    }
  }
}
