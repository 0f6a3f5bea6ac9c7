// SIP digest credentials (RFC 2617 §3.2.2.2 / RFC 3261 §22.4): Kamailio's auth_db checks
// HA1 = md5(username:realm:password), so the password itself is never stored. ha1b serves UAs that
// send "user@domain" as the username. The realm is the domain name.
import { createHash } from 'node:crypto'
import { Invalid } from '../../lib/errors.ts'

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex')

export function sipDigests(extension: string, domain: string, password: string) {
  return { ha1: md5(`${extension}:${domain}:${password}`), ha1b: md5(`${extension}@${domain}:${domain}:${password}`) }
}

/** SIP passwords are brute-forced online all day long: demand length, and not the extension itself. */
export function assertPasswordStrength(password: string, extension: string) {
  if (password.length < 10) throw Invalid('weak_password', 'password must be at least 10 characters', { field: 'password' })
  if (password.includes(extension)) throw Invalid('weak_password', 'password must not contain the extension', { field: 'password' })
}
