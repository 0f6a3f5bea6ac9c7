// Benchmark dataset: N domains, each with its users, DIDs, a dial plan, trunks, ring groups, queues
// and schedules, inserted with Prisma createMany (fast; this is benchmark data, so it skips the API
// and its validation on purpose). Returns what the load generators need to build a request mix.
import { randomUUID } from 'node:crypto'
import type { PrismaClient } from '../../control-plane/src/generated/prisma/client.ts'
import { sipDigests } from '../../control-plane/src/modules/users/sip-digest.ts'

export interface DatasetSize {
  domains: number
  usersPerDomain: number
  didsPerDomain: number
  groupsPerDomain: number
  queuesPerDomain: number
  schedulesPerDomain: number
}

export const FULL: DatasetSize = { domains: 10, usersPerDomain: 1000, didsPerDomain: 500, groupsPerDomain: 20, queuesPerDomain: 5, schedulesPerDomain: 5 }

export interface DomainInfo {
  id: string
  name: string
  /** extensions of users with class INTERNATIONAL / NATIONAL */
  intlUsers: string[]
  nationalUsers: string[]
  groupExtensions: string[]
  queueExtensions: string[]
  dids: string[]
  /** source addresses of the domain's carrier trunks */
  trunkIps: string[]
}

export interface Dataset {
  domains: DomainInfo[]
  counts: Record<string, number>
  insertMs: number
}

/** 20 rules per plan: national classes first, then per-country international, then catch-alls. */
const COUNTRIES = ['44', '49', '34', '39', '32', '41', '1']
function rulesFor(carrierA: string, carrierB: string) {
  const r: Array<{ name: string; pattern: string; numberClass: 'NATIONAL' | 'MOBILE' | 'PREMIUM' | 'INTERNATIONAL'; trunks: string[] }> = [
    { name: 'geographic', pattern: '0[1-5][0-9]{8}', numberClass: 'NATIONAL', trunks: [carrierA, carrierB] },
    { name: 'mobile', pattern: '0[67][0-9]{8}', numberClass: 'MOBILE', trunks: [carrierB, carrierA] },
    { name: 'premium', pattern: '08[0-9]{8}', numberClass: 'PREMIUM', trunks: [carrierA] },
    { name: 'voip', pattern: '09[0-9]{8}', numberClass: 'NATIONAL', trunks: [carrierA, carrierB] },
  ]
  COUNTRIES.forEach((cc, i) => r.push({ name: `intl-${cc}`, pattern: `00${cc}[1-9][0-9]{5,12}`, numberClass: 'INTERNATIONAL', trunks: i % 2 ? [carrierA, carrierB] : [carrierB, carrierA] }))
  COUNTRIES.forEach((cc, i) => r.push({ name: `e164-${cc}`, pattern: `\\+${cc}[1-9][0-9]{5,12}`, numberClass: 'INTERNATIONAL', trunks: i % 2 ? [carrierA, carrierB] : [carrierB, carrierA] }))
  r.push({ name: 'intl-other', pattern: '00[1-9][0-9]{6,14}', numberClass: 'INTERNATIONAL', trunks: [carrierA, carrierB] })
  r.push({ name: 'e164-other', pattern: '\\+[1-9][0-9]{6,14}', numberClass: 'INTERNATIONAL', trunks: [carrierA, carrierB] })
  return r
}

export async function buildDataset(prisma: PrismaClient, size: DatasetSize = FULL, opts: { domainName?: (d: number) => string; carrier?: { host: string; port: number } } = {}): Promise<Dataset> {
  const t0 = performance.now()
  const domains: DomainInfo[] = []
  const rows = {
    domains: [] as any[], users: [] as any[], trunks: [] as any[], dialPlans: [] as any[], rules: [] as any[], ruleTrunks: [] as any[],
    groups: [] as any[], groupMembers: [] as any[], queues: [] as any[], queueMembers: [] as any[], schedules: [] as any[],
    hours: [] as any[], holidays: [] as any[], numbers: [] as any[], emergency: [] as any[],
  }
  for (let d = 0; d < size.domains; d++) {
    const domainId = randomUUID()
    const name = opts.domainName?.(d) ?? `tenant${d}.bench.example`
    const planId = randomUUID()
    rows.domains.push({ id: domainId, name, timezone: 'Europe/Paris' })
    const carrierA = randomUUID()
    const carrierB = randomUUID()
    const emergencyTrunk = randomUUID()
    const trunkIps = [`10.${d + 1}.0.1`, `10.${d + 1}.0.2`]
    const carrier = opts.carrier ?? { host: `gw-a.carrier${d}.example`, port: 5060 }
    rows.trunks.push(
      { id: carrierA, domainId, name: 'carrier-a', host: carrier.host, port: carrier.port, inboundIps: [trunkIps[0]], priority: 10 },
      { id: carrierB, domainId, name: 'carrier-b', host: opts.carrier ? carrier.host : `gw-b.carrier${d}.example`, port: carrier.port, inboundIps: [trunkIps[1]], priority: 20 },
      { id: emergencyTrunk, domainId, name: 'emergency', host: `sos.carrier${d}.example`, inboundIps: [`10.${d + 1}.0.9`], isEmergency: true, priority: 1 },
    )
    rows.emergency.push({ domainId, number: '112', trunkId: emergencyTrunk }, { domainId, number: '18', trunkId: emergencyTrunk })
    rows.dialPlans.push({ id: planId, domainId, name: 'france', countryCode: '33', nationalPrefix: '0', internationalPrefix: '00' })
    rulesFor(carrierA, carrierB).forEach((r, position) => {
      const ruleId = randomUUID()
      rows.rules.push({ id: ruleId, dialPlanId: planId, position, name: r.name, pattern: r.pattern, numberClass: r.numberClass })
      for (const trunkId of r.trunks) rows.ruleTrunks.push({ ruleId, trunkId })
    })

    const info: DomainInfo = { id: domainId, name, intlUsers: [], nationalUsers: [], groupExtensions: [], queueExtensions: [], dids: [], trunkIps }
    const userIds: string[] = []
    for (let u = 0; u < size.usersPerDomain; u++) {
      const extension = String(1000 + u)
      const id = randomUUID()
      userIds.push(id)
      const national = u % 10 === 9 // 10 % of users may not call abroad
      ;(national ? info.nationalUsers : info.intlUsers).push(extension)
      rows.users.push({
        id, domainId, extension, displayName: `User ${extension}`, ...sipDigests(extension, name, `pw-${extension}`),
        callerId: `+3319${String(d).padStart(2, '0')}${String(u).padStart(5, '0')}`, classOfService: national ? 'NATIONAL' : 'INTERNATIONAL',
      })
    }
    const groupIds: string[] = []
    for (let g = 0; g < size.groupsPerDomain; g++) {
      const id = randomUUID()
      groupIds.push(id)
      const extension = String(6000 + g)
      info.groupExtensions.push(extension)
      rows.groups.push({ id, domainId, name: `group-${g}`, extension, strategy: g % 2 ? 'HUNT' : 'RING_ALL' })
      for (let m = 0; m < 5; m++) rows.groupMembers.push({ groupId: id, userId: userIds[(g * 5 + m) % userIds.length], position: m })
    }
    const queueIds: string[] = []
    for (let q = 0; q < size.queuesPerDomain; q++) {
      const id = randomUUID()
      queueIds.push(id)
      const extension = String(7000 + q)
      info.queueExtensions.push(extension)
      rows.queues.push({ id, domainId, name: `queue-${q}`, extension, strategy: (['RING_ALL', 'ROUND_ROBIN', 'LONGEST_IDLE', 'PRIORITY'] as const)[q % 4], overflowTargetType: 'USER', overflowTargetId: userIds[q] })
      for (let m = 0; m < 10; m++) rows.queueMembers.push({ queueId: id, userId: userIds[(100 + q * 10 + m) % userIds.length], priority: m % 3 })
    }
    const scheduleIds: string[] = []
    for (let s = 0; s < size.schedulesPerDomain; s++) {
      const id = randomUUID()
      scheduleIds.push(id)
      rows.schedules.push({
        id, domainId, name: `office-${s}`, timezone: 'Europe/Paris',
        openTargetType: groupIds.length ? 'GROUP' : 'USER', openTargetId: groupIds[s % Math.max(1, groupIds.length)] ?? userIds[0],
        closedTargetType: 'USER', closedTargetId: userIds[s],
      })
      for (let day = 1; day <= 5; day++) rows.hours.push({ scheduleId: id, dayOfWeek: day, opens: '08:30', closes: '12:30' }, { scheduleId: id, dayOfWeek: day, opens: '13:30', closes: '18:00' })
      rows.holidays.push({ scheduleId: id, date: '12-25', name: 'Christmas' }, { scheduleId: id, date: '01-01', name: 'New year' }, { scheduleId: id, date: '2026-05-14', name: 'Ascension' })
    }
    for (let n = 0; n < size.didsPerDomain; n++) {
      const e164 = `+3317${String(d).padStart(2, '0')}${String(n).padStart(5, '0')}`
      info.dids.push(e164)
      // 80 % straight to a user, then groups, queues, schedules
      const k = n % 20
      const target =
        k < 16 || !groupIds.length ? { targetType: 'USER', targetId: userIds[n % userIds.length] }
        : k < 18 ? { targetType: 'GROUP', targetId: groupIds[n % groupIds.length] }
        : k < 19 && queueIds.length ? { targetType: 'QUEUE', targetId: queueIds[n % queueIds.length] }
        : scheduleIds.length ? { targetType: 'SCHEDULE', targetId: scheduleIds[n % scheduleIds.length] }
        : { targetType: 'USER', targetId: userIds[0] }
      rows.numbers.push({ domainId, e164, ...target })
    }
    domains.push(info)
  }

  // FK order; dial plans before the domains point at them as their default
  await prisma.domain.createMany({ data: rows.domains })
  await prisma.trunk.createMany({ data: rows.trunks })
  await prisma.dialPlan.createMany({ data: rows.dialPlans })
  await prisma.dialPlanRule.createMany({ data: rows.rules })
  await prisma.dialPlanRuleTrunk.createMany({ data: rows.ruleTrunks })
  for (let i = 0; i < rows.users.length; i += 5000) await prisma.user.createMany({ data: rows.users.slice(i, i + 5000) })
  await prisma.group.createMany({ data: rows.groups })
  await prisma.groupMember.createMany({ data: rows.groupMembers })
  await prisma.queue.createMany({ data: rows.queues })
  await prisma.queueMember.createMany({ data: rows.queueMembers })
  await prisma.schedule.createMany({ data: rows.schedules })
  await prisma.scheduleHours.createMany({ data: rows.hours })
  await prisma.scheduleHoliday.createMany({ data: rows.holidays })
  await prisma.phoneNumber.createMany({ data: rows.numbers })
  await prisma.emergencyNumber.createMany({ data: rows.emergency })
  for (let d = 0; d < rows.domains.length; d++) await prisma.domain.update({ where: { id: rows.domains[d].id }, data: { defaultDialPlanId: rows.dialPlans[d].id } })
  // a new epoch: a running control plane rebuilds its snapshot at its next epoch check
  await prisma.routingEpoch.upsert({ where: { id: 1 }, create: { id: 1, version: 2 }, update: { version: { increment: 1 } } })

  const counts = { domains: rows.domains.length, users: rows.users.length, dids: rows.numbers.length, trunks: rows.trunks.length, dialPlanRules: rows.rules.length, groups: rows.groups.length, queues: rows.queues.length, schedules: rows.schedules.length }
  return { domains, counts, insertMs: Math.round(performance.now() - t0) }
}
