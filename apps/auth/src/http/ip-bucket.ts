import ipaddr from 'ipaddr.js';

/**
 * The unit a client address is limited by: the IPv4 address (also when written IPv4-mapped, as a
 * dual-stack server reports it), or the /64 of an IPv6 address in canonical form (RFC 5952), since
 * one subscriber usually holds a whole /64 and could otherwise rotate through 2^64 "different"
 * clients. A zone id (`%eth0`) names an interface of this host, not a client, and is dropped.
 * Anything that is not an address is returned as is: it is hashed into a key all the same.
 */
export function ipRateLimitBucket(ip: string): string {
  const address = ip.trim();
  if (!ipaddr.isValid(address)) return address;
  // `process` turns an IPv4-mapped IPv6 address, in any spelling, into the IPv4 address.
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...network, 0, 0, 0, 0]).toRFC5952String()}/64`;
}
