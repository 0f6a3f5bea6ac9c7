// Fixture builders for the routing engine tests: rows shaped like Prisma's, with the schema's
// defaults, and one realistic French tenant plus a small US one. Every call returns fresh objects,
// so a test may mutate its copy before compiling.
import { compileSnapshot } from '../../../src/modules/routing/engine/compile.ts';
import type {
  DialPlanRow,
  DialPlanRuleRow,
  DomainRow,
  EmergencyNumberRow,
  GroupRow,
  PhoneNumberRow,
  QueueRow,
  ScheduleRow,
  SnapshotSource,
  TrunkRow,
  UserRow,
} from '../../../src/modules/routing/engine/source.ts';
import type {
  AgentState,
  AgentView,
  Decision,
  RouteDecision,
  RouteRequest,
  RoutingSnapshot,
  RuntimeInputs,
  TargetType,
} from '../../../src/modules/routing/engine/types.ts';

export const DEMO = 'demo.switchboard.local';

/** A SnapshotSource whose lists tests may push to. */
export type MutableSource = { -readonly [K in keyof SnapshotSource]: SnapshotSource[K] extends readonly (infer R)[] ? R[] : never };
export const US = 'us.example';

export function domainRow(p: Partial<DomainRow> & Pick<DomainRow, 'id' | 'name'>): DomainRow {
  return { timezone: 'Europe/Paris', defaultDialPlanId: null, enabled: true, ...p };
}

export function userRow(p: Partial<UserRow> & Pick<UserRow, 'id' | 'domainId' | 'extension'>): UserRow {
  return {
    displayName: null,
    callerId: null,
    classOfService: 'NATIONAL',
    dialPlanId: null,
    recordingPolicy: 'INHERIT',
    tlsOnly: false,
    codecs: [],
    enabled: true,
    ...p,
  };
}

export function trunkRow(p: Partial<TrunkRow> & Pick<TrunkRow, 'id' | 'domainId' | 'name' | 'host'>): TrunkRow {
  return {
    port: 5060,
    transport: 'UDP',
    inboundIps: [],
    priority: 10,
    weight: 100,
    failoverCodes: [408, 500, 502, 503, 504],
    branchTimeoutMs: 5000,
    codecs: [],
    techPrefix: '',
    isEmergency: false,
    recordingPolicy: 'INHERIT',
    enabled: true,
    ...p,
  };
}

export function ruleRow(
  p: Partial<Omit<DialPlanRuleRow, 'trunks'>> & Pick<DialPlanRuleRow, 'id' | 'position' | 'pattern'> & { trunkIds?: string[] },
): DialPlanRuleRow {
  const { trunkIds = [], ...rest } = p;
  return {
    name: null,
    stripDigits: 0,
    prefix: '',
    toE164: true,
    numberClass: 'NATIONAL',
    enabled: true,
    trunks: trunkIds.map((trunkId) => ({ trunkId })),
    ...rest,
  };
}

export function numberRow(id: string, domainId: string, e164: string, targetType: TargetType, target: string | null, p: Partial<PhoneNumberRow> = {}): PhoneNumberRow {
  const isNumber = targetType === 'EXTERNAL' || targetType === 'HANGUP';
  return {
    id,
    domainId,
    e164,
    targetType,
    targetId: isNumber ? null : target,
    targetNumber: isNumber ? target : null,
    recordingPolicy: 'INHERIT',
    ...p,
  };
}

export function queueRow(p: Partial<QueueRow> & Pick<QueueRow, 'id' | 'domainId' | 'name'>): QueueRow {
  return {
    extension: null,
    strategy: 'LONGEST_IDLE',
    agentTimeout: 15,
    maxWait: 60,
    overflowTargetType: null,
    overflowTargetId: null,
    overflowTargetNumber: null,
    members: [],
    ...p,
  };
}

export function scheduleRow(p: Partial<ScheduleRow> & Pick<ScheduleRow, 'id' | 'domainId' | 'name'>): ScheduleRow {
  return {
    timezone: 'Europe/Paris',
    openTargetType: 'HANGUP',
    openTargetId: null,
    openTargetNumber: null,
    closedTargetType: 'HANGUP',
    closedTargetId: null,
    closedTargetNumber: null,
    hours: [],
    holidays: [],
    ...p,
  };
}

const weekdays = (opens: string, closes: string) => [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, opens, closes }));

/** The demo tenant (France) and a second tenant (US). Ids are readable on purpose. */
export function demoSource(): MutableSource {
  const d = 'dom-demo';
  const u = 'dom-us';
  const domains: DomainRow[] = [
    domainRow({ id: d, name: DEMO, defaultDialPlanId: 'dp-fr' }),
    domainRow({ id: u, name: US, timezone: 'America/New_York', defaultDialPlanId: 'dp-us' }),
  ];
  const users: UserRow[] = [
    userRow({ id: 'u-1001', domainId: d, extension: '1001', displayName: 'Alice', callerId: '+33987000001' }),
    userRow({ id: 'u-1002', domainId: d, extension: '1002', classOfService: 'INTERNATIONAL', tlsOnly: true, codecs: ['opus', 'PCMA'] }),
    userRow({ id: 'u-1003', domainId: d, extension: '1003', classOfService: 'INTERNAL', callerId: '+33987000003' }),
    userRow({ id: 'u-1004', domainId: d, extension: '1004', enabled: false, callerId: '+33987000004' }),
    userRow({ id: 'u-1005', domainId: d, extension: '1005', classOfService: 'PREMIUM', recordingPolicy: 'ALWAYS', callerId: '+33987000005' }),
    userRow({ id: 'u-1006', domainId: d, extension: '1006', dialPlanId: 'dp-strict', recordingPolicy: 'ON_DEMAND' }),
    ...['2001', '2002', '2003', '2004'].map((ext) => userRow({ id: `u-${ext}`, domainId: d, extension: ext })),
    userRow({ id: 'u-us-1001', domainId: u, extension: '1001', callerId: '+12125550001' }),
  ];
  const groups: GroupRow[] = [
    { id: 'g-sales', domainId: d, name: 'sales', extension: '600', strategy: 'RING_ALL', memberTimeout: 25, members: [{ userId: 'u-1002', position: 2 }, { userId: 'u-1001', position: 1 }, { userId: 'u-1004', position: 3 }] },
    { id: 'g-hunt', domainId: d, name: 'support', extension: '601', strategy: 'HUNT', memberTimeout: 15, members: [{ userId: 'u-1002', position: 0 }, { userId: 'u-1001', position: 1 }] },
    { id: 'g-empty', domainId: d, name: 'ghosts', extension: '602', strategy: 'HUNT', memberTimeout: 15, members: [{ userId: 'u-1004', position: 0 }] },
  ];
  const queues: QueueRow[] = [
    queueRow({
      id: 'q-help', domainId: d, name: 'helpdesk', extension: '700', strategy: 'LONGEST_IDLE', agentTimeout: 15, maxWait: 40,
      overflowTargetType: 'USER', overflowTargetId: 'u-1003',
      members: ['2004', '2002', '2001', '2003'].map((ext, i) => ({ userId: `u-${ext}`, priority: i })),
    }),
    queueRow({ id: 'q-bare', domainId: d, name: 'bare', extension: '701', strategy: 'RING_ALL', members: [{ userId: 'u-2001', priority: 0 }] }),
  ];
  const trunks: TrunkRow[] = [
    trunkRow({ id: 't-gw1', domainId: d, name: 'gw1', host: 'gw1.carrier.example', inboundIps: ['192.0.2.10', '192.0.2.11'], weight: 100, codecs: ['PCMA'], recordingPolicy: 'INHERIT' }),
    trunkRow({ id: 't-gw2', domainId: d, name: 'gw2', host: 'gw2.carrier.example', weight: 50, techPrefix: '7788#', transport: 'TCP' }),
    trunkRow({ id: 't-gw3', domainId: d, name: 'gw3', host: '2001:db8::5', port: 5061, priority: 20, transport: 'TLS', failoverCodes: [408, 487, 486, 503, 200], branchTimeoutMs: 3000 }),
    trunkRow({ id: 't-off', domainId: d, name: 'gw-off', host: 'off.carrier.example', priority: 1, enabled: false, inboundIps: ['192.0.2.99'] }),
    trunkRow({ id: 't-sos', domainId: d, name: 'sos', host: 'sos.carrier.example', isEmergency: true, priority: 1, failoverCodes: [408, 503] }),
    trunkRow({ id: 't-sos2', domainId: d, name: 'sos-backup', host: 'sos2.carrier.example', isEmergency: true, priority: 2 }),
    trunkRow({ id: 't-rec', domainId: d, name: 'recorded', host: 'rec.carrier.example', recordingPolicy: 'ALWAYS', inboundIps: ['192.0.2.50'] }),
    trunkRow({ id: 't-us', domainId: u, name: 'us-gw', host: 'us.carrier.example', inboundIps: ['198.51.100.5'] }),
    trunkRow({ id: 't-us-sos', domainId: u, name: 'us-911', host: '911.carrier.example', isEmergency: true }),
  ];
  const dialPlans: DialPlanRow[] = [
    {
      id: 'dp-fr', domainId: d, name: 'france', countryCode: '33', nationalPrefix: '0', internationalPrefix: '00',
      rules: [
        ruleRow({ id: 'r-intl', position: 40, name: 'intl', pattern: '00[1-9][0-9]{5,14}', numberClass: 'INTERNATIONAL', trunkIds: ['t-gw3'] }),
        ruleRow({ id: 'r-bad', position: 5, name: 'broken', pattern: '([0-9', trunkIds: ['t-gw1'] }),
        ruleRow({ id: 'r-premium', position: 10, name: 'premium', pattern: '08[9][0-9]{7}', numberClass: 'PREMIUM', trunkIds: ['t-gw1'] }),
        ruleRow({ id: 'r-mobile', position: 20, name: 'mobile', pattern: '0[67][0-9]{8}', numberClass: 'MOBILE', trunkIds: ['t-gw1', 't-gw2', 't-gw3'] }),
        ruleRow({ id: 'r-national', position: 30, name: 'national', pattern: '0[1-9][0-9]{8}', numberClass: 'NATIONAL', trunkIds: ['t-gw1', 't-gw2', 't-gw3', 't-off'] }),
        ruleRow({ id: 'r-outside', position: 45, name: 'outside-line', pattern: '9(0[1-9][0-9]{8})', stripDigits: 1, numberClass: 'NATIONAL', trunkIds: ['t-gw1'] }),
        ruleRow({ id: 'r-e164', position: 50, name: 'e164', pattern: '\\+[1-9][0-9]{6,14}', numberClass: 'INTERNATIONAL', trunkIds: ['t-gw3'] }),
        ruleRow({ id: 'r-service', position: 60, name: 'service', pattern: '3[0-9]{3}', toE164: false, numberClass: 'LOCAL', prefix: '', trunkIds: ['t-gw1'] }),
        ruleRow({ id: 'r-off', position: 70, name: 'disabled-catchall', pattern: '.*', enabled: false, trunkIds: ['t-gw1'] }),
        ruleRow({ id: 'r-deadtrunks', position: 80, name: 'dead', pattern: '55[0-9]{2}', numberClass: 'LOCAL', trunkIds: ['t-off'] }),
        ruleRow({ id: 'r-short', position: 90, name: 'short', pattern: '0[0-9]{3}', numberClass: 'LOCAL', trunkIds: ['t-gw1'] }),
      ],
    },
    {
      id: 'dp-strict', domainId: d, name: 'strict', countryCode: '33', nationalPrefix: '0', internationalPrefix: '00',
      rules: [ruleRow({ id: 'r-strict-any', position: 1, name: 'anything', pattern: '[0-9+]+', numberClass: 'LOCAL', trunkIds: ['t-gw2'] })],
    },
    {
      id: 'dp-us', domainId: u, name: 'nanp', countryCode: '1', nationalPrefix: '1', internationalPrefix: '011',
      rules: [ruleRow({ id: 'r-us', position: 1, name: 'nanp', pattern: '1?[2-9][0-9]{9}', prefix: '', trunkIds: ['t-us'] })],
    },
  ];
  const schedules: ScheduleRow[] = [
    scheduleRow({
      id: 's-office', domainId: d, name: 'office',
      hours: [...weekdays('09:00', '12:00'), ...weekdays('14:00', '18:00')],
      holidays: [{ date: '12-25', name: 'Christmas' }, { date: '2026-05-14', name: 'Ascension' }],
      openTargetType: 'GROUP', openTargetId: 'g-sales', closedTargetType: 'USER', closedTargetId: 'u-1003',
    }),
    scheduleRow({ id: 's-loop-a', domainId: d, name: 'loop-a', closedTargetType: 'SCHEDULE', closedTargetId: 's-loop-b' }),
    scheduleRow({ id: 's-loop-b', domainId: d, name: 'loop-b', closedTargetType: 'SCHEDULE', closedTargetId: 's-loop-a' }),
  ];
  const numbers: PhoneNumberRow[] = [
    numberRow('n-user', d, '+33123000001', 'USER', 'u-1001'),
    numberRow('n-group', d, '+33123000002', 'GROUP', 'g-sales'),
    numberRow('n-queue', d, '+33123000003', 'QUEUE', 'q-help'),
    numberRow('n-sched', d, '+33123000004', 'SCHEDULE', 's-office'),
    numberRow('n-ext', d, '+33123000005', 'EXTERNAL', '0612345678'),
    numberRow('n-hangup', d, '+33123000006', 'HANGUP', null),
    numberRow('n-decline', d, '+33123000007', 'HANGUP', '603'),
    numberRow('n-loop', d, '+33123000008', 'SCHEDULE', 's-loop-a'),
    numberRow('n-broken', d, '+33123000009', 'USER', 'u-missing'),
    numberRow('n-rec', d, '+33123000010', 'USER', 'u-1002', { recordingPolicy: 'NEVER' }),
    numberRow('n-hunt', d, '+33123000011', 'GROUP', 'g-hunt'),
    numberRow('n-us', u, '+12125550100', 'USER', 'u-us-1001'),
  ];
  const emergencyNumbers: EmergencyNumberRow[] = [
    ...['112', '15', '17', '18'].map((n) => ({ id: `e-${n}`, domainId: d, number: n, trunkId: 't-sos' })),
    { id: 'e-us-911', domainId: u, number: '911', trunkId: 't-us-sos' },
    { id: 'e-us-112', domainId: u, number: '112', trunkId: 't-us-sos' },
  ];
  return { domains, users, groups, numbers, dialPlans, trunks, schedules, queues, emergencyNumbers };
}

export function demoSnapshot(edit?: (s: MutableSource) => void): RoutingSnapshot {
  const source = demoSource();
  edit?.(source);
  return compileSnapshot(source, 7);
}

/** A request from an authenticated subscriber of the demo domain. */
export function fromUser(authUser: string, dialled: string, p: Partial<RouteRequest> = {}): RouteRequest {
  return request({ fromUser: authUser, fromDomain: DEMO, authUser, authDomain: DEMO, ruriUser: dialled, toUser: dialled, ...p });
}

/** A request arriving from a carrier address, no authentication. */
export function fromCarrier(srcIp: string, dialled: string, p: Partial<RouteRequest> = {}): RouteRequest {
  return request({ fromUser: '+33600000000', fromDomain: 'carrier.example', srcIp, ruriUser: dialled, toUser: dialled, ...p });
}

export function request(p: Partial<RouteRequest> = {}): RouteRequest {
  return {
    callId: 'call-1@test',
    fromUser: '',
    fromDomain: '',
    toUser: '',
    ruriUser: '',
    ruriDomain: DEMO,
    srcIp: '203.0.113.7',
    srcPort: '5060',
    proto: 'udp',
    authUser: '',
    authDomain: '',
    pai: '',
    ...p,
  };
}

/** Agent states keyed "queueId:userId"; unknown agents are logged out. */
export function agentView(states: Record<string, AgentState> = {}, cursors: Record<string, number> = {}): AgentView {
  return {
    state: (queueId, userId) => states[`${queueId}:${userId}`],
    cursor: (queueId) => cursors[queueId] ?? -1,
  };
}

export const ready = (idleSince?: number): AgentState => ({ loggedIn: true, paused: false, busy: false, idleSince });
export const busy: AgentState = { loggedIn: true, paused: false, busy: true };
export const paused: AgentState = { loggedIn: true, paused: true, busy: false };
export const loggedOut: AgentState = { loggedIn: false, paused: false, busy: false };

/** Deterministic rng returning the given values in turn (then repeating the last). */
export function sequenceRng(values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)];
}

/** Mulberry32: a small seeded PRNG for distribution tests. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Wednesday, 10:30 in Paris (CEST, UTC+2): the office is open. */
export const OPEN_NOW = new Date('2026-06-10T08:30:00Z');
/** A Sunday, 03:00 in Paris: closed. */
export const CLOSED_NOW = new Date('2026-06-14T01:00:00Z');

/** Narrow a decision to a route, failing loudly (with the trace) when it is a reject. */
export function asRoute(d: Decision): RouteDecision {
  if (d.outcome !== 'route') throw new Error(`expected a route, got ${d.sipCode} ${d.code}\n${JSON.stringify(d.trace, null, 1)}`);
  return d;
}

/** Compact view of a decision for table assertions. */
export function summary(d: Decision): Record<string, unknown> {
  if (d.outcome === 'reject') return { reject: d.sipCode, code: d.code };
  return { kind: d.kind, routing: d.routing, uris: d.targets.map((x) => x.uri), label: d.label };
}

export function runtimeAt(now: Date, agents: AgentView = agentView(), rng: () => number = () => 0): RuntimeInputs {
  return { now, agents, rng };
}
