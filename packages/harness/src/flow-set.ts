/** IP protocol numbers the NIC hashes ports for. */
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** Bytes kept per flow for its two addresses (an IPv6 source and destination). */
const ADDR_BYTES = 32;

/**
 * Flows as a NIC's RSS sees them, in flat typed arrays indexed by flow number:
 * address family (0: not IP), protocol, source and destination addresses, and
 * ports when the packet has them (not for fragments, whose later pieces carry
 * none: NICs hash every fragment on its addresses only, so they stay together).
 */
export class FlowSet {
  count = 0;
  /** 0 (not IP), 4 or 6. */
  family = new Uint8Array(16);
  /** IP protocol (next header), 0 when not IP. */
  proto = new Uint8Array(16);
  /** 1 when the ports below are valid (TCP or UDP, not a fragment). */
  hasPorts = new Uint8Array(16);
  /** Source address then destination address, 16 bytes each (IPv4 in the first 4). */
  addrs = new Uint8Array(16 * ADDR_BYTES);
  /** Source port, destination port. */
  ports = new Uint16Array(32);
  private readonly index = new Map<string, number>();

  /**
   * The number of the flow with these fields, added when new. Addresses are
   * read from `bytes` at `src` and `dst` (`family` 4: 4 bytes, 6: 16 bytes).
   */
  intern(
    family: number,
    proto: number,
    bytes: ArrayLike<number>,
    src: number,
    dst: number,
    hasPorts: boolean,
    sport: number,
    dport: number,
  ): number {
    const n = family === 6 ? 16 : family === 4 ? 4 : 0;
    let key = `${family}/${proto}/${hasPorts ? `${sport}/${dport}` : "-"}/`;
    for (let i = 0; i < n; i++) key += `${bytes[src + i]}.`;
    for (let i = 0; i < n; i++) key += `${bytes[dst + i]}.`;
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const f = this.count++;
    if (f === this.family.length) this.grow();
    this.family[f] = family;
    this.proto[f] = proto;
    this.hasPorts[f] = hasPorts ? 1 : 0;
    for (let i = 0; i < n; i++) {
      this.addrs[f * ADDR_BYTES + i] = bytes[src + i];
      this.addrs[f * ADDR_BYTES + 16 + i] = bytes[dst + i];
    }
    this.ports[2 * f] = hasPorts ? sport : 0;
    this.ports[2 * f + 1] = hasPorts ? dport : 0;
    this.index.set(key, f);
    return f;
  }

  /**
   * Write the bytes the NIC hashes for flow `f` into `out` and return their
   * number (0 for a flow that is not IP): source and destination address, then
   * source and destination port for TCP, and for UDP when `udpPorts`.
   */
  hashInput(f: number, udpPorts: boolean, out: Uint8Array): number {
    const family = this.family[f];
    if (family === 0) return 0;
    const n = family === 6 ? 16 : 4;
    const base = f * ADDR_BYTES;
    for (let i = 0; i < n; i++) {
      out[i] = this.addrs[base + i];
      out[n + i] = this.addrs[base + 16 + i];
    }
    const proto = this.proto[f];
    const ports = this.hasPorts[f] === 1 && (proto === IPPROTO_TCP || (proto === IPPROTO_UDP && udpPorts));
    if (!ports) return 2 * n;
    const sport = this.ports[2 * f];
    const dport = this.ports[2 * f + 1];
    out[2 * n] = sport >> 8;
    out[2 * n + 1] = sport & 0xff;
    out[2 * n + 2] = dport >> 8;
    out[2 * n + 3] = dport & 0xff;
    return 2 * n + 4;
  }

  private grow(): void {
    const cap = this.family.length * 2;
    const g8 = (a: Uint8Array, n: number) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.family = g8(this.family, cap);
    this.proto = g8(this.proto, cap);
    this.hasPorts = g8(this.hasPorts, cap);
    this.addrs = g8(this.addrs, cap * ADDR_BYTES);
    const p = new Uint16Array(cap * 2);
    p.set(this.ports);
    this.ports = p;
  }
}
