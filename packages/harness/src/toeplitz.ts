/**
 * The Toeplitz hash NICs compute for receive-side scaling (Microsoft's RSS
 * specification; the kernel's `netdev_rss_key`, set with `ethtool -X ... hkey`).
 * For every set bit of the input, most significant first, the 32 key bits
 * starting at that bit position are XORed into the result.
 */

/** The 40-byte key of Microsoft's RSS verification suite, the default of many NIC drivers. */
export const DEFAULT_RSS_KEY: readonly number[] = Object.freeze([
  0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b,
  0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac,
  0x01, 0xfa,
]);

/** Bytes of an RSS key (40: enough for an IPv6 4-tuple of 36 bytes plus the 32-bit window). */
export const RSS_KEY_BYTES = 40;

/**
 * Toeplitz hash of `input[0..length)` under `key`. The key must be at least
 * `length + 4` bytes long (a 40-byte key hashes up to 36 input bytes).
 */
export function toeplitzHash(key: ArrayLike<number>, input: ArrayLike<number>, length = input.length): number {
  if (key.length < length + 4) {
    throw new RangeError(`a ${key.length}-byte key hashes at most ${key.length - 4} bytes, got ${length}`);
  }
  let result = 0;
  // The 32-bit window of key bits aligned with the current input bit.
  let window = ((key[0] << 24) | (key[1] << 16) | (key[2] << 8) | key[3]) >>> 0;
  for (let i = 0; i < length; i++) {
    const byte = input[i];
    const next = key[i + 4];
    for (let b = 7; b >= 0; b--) {
      if ((byte >> b) & 1) result = (result ^ window) >>> 0;
      // Slide the window one bit: shift in the next key bit.
      window = ((window << 1) | ((next >> b) & 1)) >>> 0;
    }
  }
  return result;
}
