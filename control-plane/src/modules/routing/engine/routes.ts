// Building single routes: a subscriber AoR for usrloc lookup, or a number sent to a trunk.
import { trunkFailover } from './policy.ts';
import type { CompiledDomain, CompiledTrunk, CompiledUser, RouteTarget, SipHeader } from './types.ts';

// Characters allowed unescaped in the user part of a SIP URI (RFC 3261 §25.1: unreserved and
// user-unreserved). Tech prefixes such as "7788#" need '#' escaped as %23.
const USER_CHARS = /[A-Za-z0-9\-_.!~*'()&=+$,;?/]/;

export function escapeUser(user: string): string {
  return [...user].map((c) => (USER_CHARS.test(c) ? c : encodeURIComponent(c))).join('');
}

/** An IPv6 literal must be bracketed inside a SIP URI (RFC 3261 §25.1, RFC 5118). */
export function uriHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export interface UserRouteOptions {
  failover: readonly string[];
  ringSeconds?: number;
}

/** sip:<extension>@<domain>: Kamailio resolves the contacts itself (lookup). */
export function userRoute(user: CompiledUser, domain: CompiledDomain, opts: UserRouteOptions): RouteTarget {
  const route: RouteTarget = {
    uri: `sip:${user.extension}@${domain.name}`,
    lookup: true,
    headers: [],
    failover: [...opts.failover],
    label: `user:${user.extension}`,
    userId: user.id,
  };
  if (opts.ringSeconds !== undefined) route.frInvTimerMs = opts.ringSeconds * 1000;
  return route;
}

/**
 * The number (with the trunk's tech prefix) at the trunk's host. dst_uri repeats the host so the
 * request is sent there even when the R-URI is later rewritten; transport is explicit because
 * carriers often listen on TCP or TLS only.
 */
export function trunkRoute(trunk: CompiledTrunk, number: string, headers: readonly SipHeader[]): RouteTarget {
  const transport = trunk.transport.toLowerCase();
  const hostPort = `${uriHost(trunk.host)}:${trunk.port}`;
  return {
    uri: `sip:${escapeUser(trunk.techPrefix + number)}@${hostPort};transport=${transport}`,
    dstUri: `sip:${hostPort};transport=${transport}`,
    lookup: false,
    headers: [...headers],
    frTimerMs: trunk.branchTimeoutMs,
    failover: trunkFailover(trunk.failoverCodes),
    label: `trunk:${trunk.name}`,
    trunkId: trunk.id,
  };
}

/** P-Asserted-Identity (RFC 3325 §9.1) towards a trusted peer. */
export function assertedIdentity(number: string, host: string): SipHeader {
  return { name: 'P-Asserted-Identity', value: `<sip:${number}@${host}>` };
}

/** Diversion (RFC 5806) names the DID a call was forwarded from; carriers check it for caller ID. */
export function diversion(e164: string, host: string): SipHeader {
  return { name: 'Diversion', value: `<sip:${e164}@${host}>;reason=unconditional` };
}
