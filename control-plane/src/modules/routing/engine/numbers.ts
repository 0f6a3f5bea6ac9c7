// Number handling: dialled digits → E.164 (ITU-T E.164: '+', country code, at most 15 digits),
// rule rewrites, and the validators the API reuses.
import type { NumberingContext } from './types.ts';

const E164 = /^\+[1-9][0-9]{1,14}$/;
// Characters people paste into numbers; they carry no meaning for routing.
const VISUAL_SEPARATORS = /[\s\-.()]/g;

export function isE164(value: string): boolean {
  return E164.test(value);
}

export interface ExtensionRules {
  minLength?: number;
  maxLength?: number;
}

/** A dialable short number: digits only, 2–8 by default. */
export function isExtension(value: string, rules: ExtensionRules = {}): boolean {
  const min = rules.minLength ?? 2;
  const max = rules.maxLength ?? 8;
  return /^[0-9]+$/.test(value) && value.length >= min && value.length <= max;
}

/** Digits, with one optional leading '+', separators removed; null when anything else is left. */
export function cleanDialled(value: string): string | null {
  const cleaned = value.replace(VISUAL_SEPARATORS, '');
  return /^\+?[0-9]+$/.test(cleaned) ? cleaned : null;
}

/**
 * Dialled digits → E.164 in a national context, or null when the result is not valid E.164.
 * '+…' stays; the international prefix (00, 011) becomes '+'; the national (trunk) prefix becomes
 * '+<country code>'; anything else is read as a national significant number.
 * The longer of the two prefixes is tried first, because '00' also starts with '0'.
 */
export function toE164(dialled: string, ctx: NumberingContext): string | null {
  const digits = cleanDialled(dialled);
  if (digits === null) return null;
  if (digits.startsWith('+')) return isE164(digits) ? digits : null;

  const prefixes = [
    { prefix: ctx.internationalPrefix, rewrite: (rest: string) => `+${rest}` },
    { prefix: ctx.nationalPrefix, rewrite: (rest: string) => `+${ctx.countryCode}${rest}` },
  ]
    .filter((p) => p.prefix !== '')
    .sort((a, b) => b.prefix.length - a.prefix.length);

  for (const { prefix, rewrite } of prefixes) {
    if (digits.startsWith(prefix)) {
      const rest = digits.slice(prefix.length);
      // A prefix with nothing after it is not a number, even if '+33' looks like one.
      if (rest === '') return null;
      const candidate = rewrite(rest);
      return isE164(candidate) ? candidate : null;
    }
  }
  const candidate = `+${ctx.countryCode}${digits}`;
  return isE164(candidate) ? candidate : null;
}

/** A dial-plan rule's rewrite: drop `stripDigits` leading characters, then prepend `prefix`. */
export function rewriteDigits(dialled: string, stripDigits: number, prefix: string): string {
  return prefix + dialled.slice(Math.max(0, stripDigits));
}

/**
 * The E.164 forms a carrier may have sent for one of our DIDs, most specific first:
 * '+33…' as is, national '0…' or international '00…' through the context, and '33…' (the country
 * code without '+', which many carriers send).
 */
export function didCandidates(dialled: string, ctx: NumberingContext | undefined): string[] {
  const digits = cleanDialled(dialled);
  if (digits === null) return [];
  if (digits.startsWith('+')) return isE164(digits) ? [digits] : [];
  const out: string[] = [];
  const viaContext = ctx ? toE164(digits, ctx) : null;
  if (viaContext) out.push(viaContext);
  const bare = `+${digits}`;
  if (isE164(bare) && !out.includes(bare)) out.push(bare);
  return out;
}
