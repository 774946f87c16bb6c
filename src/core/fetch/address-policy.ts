import ipaddr from 'ipaddr.js';

/**
 * Which addresses a link from chat may reach: public unicast only, unless an admin allowed more with
 * FETCH_ALLOW_HOSTS (host names, addresses and CIDR ranges, e.g. "wiki.corp,10.1.0.0/16").
 */
export interface AddressPolicy {
  /** True when the host name itself is on the admin's list; its addresses are then not checked. */
  allowsHostName(hostname: string): boolean;
  /** Why the address may not be reached, or undefined when it may. */
  refusalFor(address: string): string | undefined;
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Reads FETCH_ALLOW_HOSTS entries; a malformed CIDR or address throws, naming it. */
export function createAddressPolicy(allowList: readonly string[] = []): AddressPolicy {
  const names = new Set<string>();
  const ranges: Range[] = [];
  for (const raw of allowList) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry.includes('/')) ranges.push(parseCidr(entry));
    else if (ipaddr.isValid(stripBrackets(entry))) {
      const address = normalize(ipaddr.parse(stripBrackets(entry)));
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else names.add(entry.replace(/\.$/, ''));
  }

  return {
    allowsHostName: (hostname) => names.has(stripBrackets(hostname).toLowerCase().replace(/\.$/, '')),
    refusalFor(text) {
      const bare = stripBrackets(text);
      if (!ipaddr.isValid(bare)) return `"${text}" is not an IP address`;
      const address = normalize(ipaddr.parse(bare));
      if (ranges.some((range) => address.kind() === range[0].kind() && address.match(range)))
        return undefined;
      const range = address.range();
      if (range !== 'unicast') return `${address.toString()} is a ${describeRange(range)} address`;
      if (address.kind() === 'ipv6') return ipv6Refusal(address as ipaddr.IPv6);
      return undefined;
    },
  };
}

function parseCidr(entry: string): Range {
  try {
    const [address, bits] = ipaddr.parseCIDR(stripBrackets(entry));
    const mapped = normalize(address);
    return mapped === address ? [address, bits] : [mapped, Math.max(0, bits - 96)];
  } catch {
    throw new Error(`"${entry}" is not a valid CIDR range`);
  }
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it carries. */
function normalize(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (address as ipaddr.IPv6).toIPv4Address();
  }
  return address;
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

/** The IPv6 ranges ipaddr.js calls unicast that still lead inside. */
function ipv6Refusal(address: ipaddr.IPv6): string | undefined {
  if (isNat64(address.toNormalizedString())) return `${address.toString()} is a NAT64 address`;
  // ::/96, "IPv4-compatible" (RFC 4291 §2.5.5.1, deprecated): [::127.0.0.1] reaches 127.0.0.1 on
  // stacks that still route it. Nothing public lives there.
  if (address.parts.slice(0, 6).every((part) => part === 0)) {
    return `${address.toString()} is an IPv4-compatible IPv6 address`;
  }
  return undefined;
}

/** 64:ff9b::/96 and the local-use 64:ff9b:1::/48 translate to IPv4 addresses behind a NAT64 gateway. */
function isNat64(normalized: string): boolean {
  return normalized.startsWith('64:ff9b:0:0:0:0:') || normalized.startsWith('64:ff9b:1:');
}

const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  reserved: 'reserved',
  uniqueLocal: 'unique-local',
  rfc6052: 'NAT64',
  '6to4': '6to4',
  teredo: 'Teredo',
};

function describeRange(range: string): string {
  return RANGE_NAMES[range] ?? range;
}
