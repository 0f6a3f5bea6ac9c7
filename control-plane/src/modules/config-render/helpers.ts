// Handlebars helpers for the cfg templates. Each one turns a validated context value into cfg
// syntax, so templates stay free of string fiddling.
import net from 'node:net'

/** IPv6 addresses are written in brackets in Kamailio socket definitions. */
export function cfgAddr(address: string): string {
  return net.isIPv6(address) ? `[${address}]` : address
}

export function join(items: unknown[], sep: string): string {
  return items.map(String).join(typeof sep === 'string' ? sep : ', ')
}

/** Anchored alternatives for the R-URI user; "+" is put in a character class so no escaping is needed in a cfg string. */
export function emergencyRegex(numbers: string[]): string {
  if (numbers.length === 0) return '^$'
  return `^(${numbers.map((n) => n.replace(/^\+/, '[+]')).join('|')})$`
}

/** host[:port] of a SIP URI (sip:host:port;params -> host:port). */
export function sipHostport(uri: string): string {
  const m = /^sips?:(?:[^@]*@)?([^;>?]+)/.exec(uri)
  if (!m) throw new Error(`not a SIP URI: "${uri}"`)
  return m[1]
}

export const helpers = { cfgAddr, join, emergencyRegex, sipHostport }
