/**
 * Who is on the other end of a console request, for the sign-in throttle. The console's own HTTP server
 * (scripts/console.ts) writes it into CLIENT_ADDRESS_HEADER on every request, overwriting whatever a client
 * sent there. It is the socket's peer address unless WFM_TRUSTED_PROXIES says how many reverse proxies stand
 * in front: then each of those proxies appended the address it saw to X-Forwarded-For, and the client is the
 * entry that many hops from the right. A client can put anything in X-Forwarded-For, so it is never read
 * beyond the hops of proxies the operator vouched for. WFM_TRUSTED_PROXIES (0 to 10) is parsed in lib/env.ts.
 */
export const CLIENT_ADDRESS_HEADER = "x-wfm-client-address";

export function clientAddress(forwardedFor: string | string[] | undefined, socketAddress: string | undefined, hops: number): string {
  const socket = normalise(socketAddress) ?? "unknown";
  if (hops === 0) return socket;
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  // The chain as the last trusted proxy saw it: every forwarded hop, then that proxy itself.
  const chain = [...forwarded, socket];
  return normalise(chain[Math.max(0, chain.length - 1 - hops)]) ?? socket;
}

/** "::ffff:127.0.0.1" and "127.0.0.1" are one client; anything that is not an address is not trusted as one. */
function normalise(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const plain = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1").toLowerCase();
  return /^[0-9a-f:.]{2,45}$/.test(plain) ? plain : undefined;
}
