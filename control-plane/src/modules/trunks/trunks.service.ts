// SIP trunks to carriers. The secret is sealed with the active key (lib/crypto) and never shown;
// the rest is checked the way a carrier would reject it: host, IP allow-list, failover codes.
import type { Trunk } from '../../generated/prisma/client.ts'
import { Conflict, Invalid } from '../../lib/errors.ts'
import { encrypt, type KeyRing } from '../../lib/crypto.ts'
import { assertCodecs, assertIPv4List, isHostname } from '../../lib/validation.ts'
import type { ChangeDeps } from '../provisioning/change.ts'
import { assertUnused, referencesRepository as refs } from '../provisioning/references.ts'
import { defined, scopedService } from '../provisioning/scoped-service.ts'
import { trunksRepository as repo } from './trunks.repository.ts'
import type { TrunkCreate, TrunkFilter, TrunkItem, TrunkUpdate } from './trunks.schemas.ts'

export function toTrunkItem(t: Trunk): TrunkItem {
  const { secretCiphertext, secretKeyId: _k, ...rest } = t
  return { ...rest, hasSecret: secretCiphertext !== null } as unknown as TrunkItem
}

interface Effective {
  host: string
  authMode: 'IP' | 'CREDENTIALS'
  inboundIps: string[]
  username: string | null
  hasSecret: boolean
  failoverCodes: number[]
  techPrefix: string
  codecs: string[]
}

function validate(t: Effective) {
  if (!isHostname(t.host)) throw Invalid('invalid_host', `host must be a DNS name or an IPv4 address, got "${t.host}"`, { field: 'host' })
  assertIPv4List(t.inboundIps)
  if (t.authMode === 'IP' && t.inboundIps.length === 0) throw Invalid('inbound_ips_required', 'an IP-authenticated trunk needs at least one inboundIps address', { field: 'inboundIps' })
  if (t.authMode === 'CREDENTIALS' && (!t.username || !t.hasSecret)) throw Invalid('credentials_required', 'a CREDENTIALS trunk needs a username and a secret', { field: t.username ? 'secret' : 'username' })
  const bad = t.failoverCodes.filter((c) => c < 400 || c > 699)
  if (bad.length) throw Invalid('invalid_failover_code', `failoverCodes must be final error responses 400–699, got ${bad.join(', ')}`, { field: 'failoverCodes' })
  // 487 answers our own CANCEL (RFC 3261 §9.1): the caller hung up, so trying another trunk would ring a dead call.
  if (t.failoverCodes.includes(487)) throw Invalid('invalid_failover_code', '487 Request Terminated means the caller cancelled; never fail over on it', { field: 'failoverCodes' })
  if (!/^[0-9+*#]*$/.test(t.techPrefix)) throw Invalid('invalid_tech_prefix', 'techPrefix may hold only digits, +, * and #', { field: 'techPrefix' })
  assertCodecs(t.codecs)
}

export function trunksService(deps: ChangeDeps & { keys: KeyRing }) {
  const seal = (secret: string | undefined) => {
    if (secret === undefined) return {}
    const { ciphertext, keyId } = encrypt(secret, deps.keys)
    return { secretCiphertext: ciphertext, secretKeyId: keyId }
  }
  return scopedService(deps, {
    entity: 'trunk',
    repo,
    toItem: toTrunkItem,
    where: (f: TrunkFilter) => ({
      ...(f.domainId ? { domainId: f.domainId } : {}),
      ...(f.name ? { name: { contains: f.name, mode: 'insensitive' } } : {}),
      ...(f.isEmergency !== undefined ? { isEmergency: f.isEmergency } : {}),
      ...(f.enabled !== undefined ? { enabled: f.enabled } : {}),
    }),
    async prepareCreate(_tx, input: TrunkCreate) {
      const { domainId: _d, secret, ...data } = input
      validate({ authMode: 'IP', inboundIps: [], username: null, failoverCodes: [], techPrefix: '', codecs: [], ...data, hasSecret: secret !== undefined })
      return { data: { ...data, ...(data.authMode === 'CREDENTIALS' ? seal(secret) : {}) } }
    },
    async prepareUpdate(tx, before, patch: TrunkUpdate) {
      const { secret, ...data } = defined(patch)
      const merged = { ...before, ...data }
      validate({ ...merged, hasSecret: secret !== undefined || before.secretCiphertext !== null })
      if (before.isEmergency && merged.isEmergency === false) {
        const used = await refs.emergencyNumbersOnTrunk(tx, before.id)
        if (used.length) throw Conflict('trunk_in_use', `emergency number(s) ${used.join(', ')} route through this trunk; move them before clearing isEmergency`, { references: used })
      }
      // an IP trunk keeps no secret: switching to IP forgets it
      const secretFields = merged.authMode === 'IP' ? { secretCiphertext: null, secretKeyId: null } : seal(secret)
      return { data: { ...data, ...secretFields } }
    },
    async beforeDelete(tx, row) {
      assertUnused('trunk', await refs.trunkUsages(tx, row.id))
    },
  })
}
