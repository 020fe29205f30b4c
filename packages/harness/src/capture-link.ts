/**
 * Link-layer headers a capture may carry, and how to turn a captured packet's
 * length into the Ethernet frame a NIC receives: drop the capture's own
 * link header, add the 14-byte Ethernet header (the FCS is stripped by the
 * NIC, as in an Ethernet capture). Other link types are refused by name.
 */
export interface LinkType {
  /** The LINKTYPE_ name (tcpdump.org/linktypes.html). */
  readonly name: string;
  /** Bytes of link header in each captured packet. */
  readonly headerBytes: number;
  /** Bytes of the Ethernet header that replaces it (0 for Ethernet itself). */
  readonly ethernetBytes: number;
}

/** LINKTYPE_ETHERNET: the frames are what a NIC receives. */
export const LINKTYPE_ETHERNET = 1;

const CONVERTIBLE: ReadonlyMap<number, LinkType> = new Map([
  [LINKTYPE_ETHERNET, { name: "ETHERNET", headerBytes: 0, ethernetBytes: 0 }],
  // BSD loopback: a 4-byte address family, then the IP packet.
  [0, { name: "NULL (BSD loopback)", headerBytes: 4, ethernetBytes: 14 }],
  [108, { name: "LOOP (OpenBSD loopback)", headerBytes: 4, ethernetBytes: 14 }],
  // Raw IP packets, no link header.
  [101, { name: "RAW (IP)", headerBytes: 0, ethernetBytes: 14 }],
  [228, { name: "IPV4", headerBytes: 0, ethernetBytes: 14 }],
  [229, { name: "IPV6", headerBytes: 0, ethernetBytes: 14 }],
  // Linux "any" device captures: the cooked header replaces the link header.
  [113, { name: "LINUX_SLL", headerBytes: 16, ethernetBytes: 14 }],
  [276, { name: "LINUX_SLL2", headerBytes: 20, ethernetBytes: 14 }],
]);

/** Names of common link types rxsim cannot turn into Ethernet frames (for the refusal). */
const KNOWN_OTHERS: ReadonlyMap<number, string> = new Map([
  [6, "IEEE802_5 (Token Ring)"],
  [9, "PPP"],
  [105, "IEEE802_11 (Wi-Fi)"],
  [127, "IEEE802_11_RADIOTAP (Wi-Fi)"],
  [147, "USER0"],
  [187, "BLUETOOTH_HCI_H4"],
  [189, "USB_LINUX"],
  [195, "IEEE802_15_4"],
  [220, "USB_LINUX_MMAPPED"],
  [249, "NETLINK"],
]);

/**
 * The conversion for `linkType`, or the reason it is refused.
 * @returns a {@link LinkType} or a problem in words.
 */
export function linkTypeFor(linkType: number): LinkType | string {
  const known = CONVERTIBLE.get(linkType);
  if (known !== undefined) return known;
  const name = KNOWN_OTHERS.get(linkType);
  return `link type ${linkType}${name ? ` (${name})` : ""} is not Ethernet, and rxsim cannot turn its packets into the frames a NIC receives (it converts ETHERNET, NULL, LOOP, RAW, IPV4, IPV6, LINUX_SLL and LINUX_SLL2)`;
}
