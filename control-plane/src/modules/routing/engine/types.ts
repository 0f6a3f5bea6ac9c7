// Types of the pure routing engine: the compiled snapshot it reads, the request Kamailio sends
// (docs/kamailio-contract.md, `route`), and the decision it returns. The enum unions mirror
// prisma/schema.prisma on purpose, so Prisma rows fit structurally without importing the client.

export type ClassOfService = 'INTERNAL' | 'NATIONAL' | 'INTERNATIONAL' | 'PREMIUM';
export type NumberClass = 'INTERNAL' | 'LOCAL' | 'NATIONAL' | 'MOBILE' | 'INTERNATIONAL' | 'PREMIUM';
export type RecordingPolicy = 'INHERIT' | 'NEVER' | 'ALWAYS' | 'ON_DEMAND';
export type TargetType = 'USER' | 'GROUP' | 'QUEUE' | 'SCHEDULE' | 'EXTERNAL' | 'HANGUP';
export type GroupStrategy = 'RING_ALL' | 'HUNT';
export type QueueStrategy = 'RING_ALL' | 'ROUND_ROBIN' | 'LONGEST_IDLE' | 'PRIORITY';
export type SipTransport = 'UDP' | 'TCP' | 'TLS';

/** Where a DID, a schedule branch or a queue overflow points. */
export interface TargetRef {
  type: TargetType;
  id: string | null;
  number: string | null;
}

// ---------------------------------------------------------------- compiled snapshot

export interface CompiledDomain {
  id: string;
  name: string;
  timezone: string;
  enabled: boolean;
  defaultDialPlanId: string | null;
}

export interface CompiledUser {
  id: string;
  domainId: string;
  extension: string;
  displayName: string | null;
  callerId: string | null;
  classOfService: ClassOfService;
  dialPlanId: string | null;
  recordingPolicy: RecordingPolicy;
  tlsOnly: boolean;
  codecs: readonly string[];
  enabled: boolean;
}

export interface CompiledGroup {
  id: string;
  domainId: string;
  name: string;
  extension: string | null;
  strategy: GroupStrategy;
  memberTimeout: number;
  /** Member user ids, by ascending position. */
  memberIds: readonly string[];
}

export interface CompiledQueueMember {
  userId: string;
  priority: number;
}

export interface CompiledQueue {
  id: string;
  domainId: string;
  name: string;
  extension: string | null;
  strategy: QueueStrategy;
  agentTimeout: number;
  maxWait: number;
  overflow: TargetRef | null;
  /** Sorted by the member's extension, so round-robin cursors are stable across reloads. */
  members: readonly CompiledQueueMember[];
}

export interface CompiledNumber {
  id: string;
  domainId: string;
  e164: string;
  target: TargetRef;
  recordingPolicy: RecordingPolicy;
}

/** National context used to turn dialled digits into E.164. */
export interface NumberingContext {
  countryCode: string;
  nationalPrefix: string;
  internationalPrefix: string;
}

export interface CompiledRule {
  id: string;
  dialPlanId: string;
  position: number;
  name: string | null;
  pattern: string;
  /** The pattern anchored as ^(?:pattern)$, compiled once. */
  regex: RegExp;
  stripDigits: number;
  prefix: string;
  toE164: boolean;
  numberClass: NumberClass;
  trunkIds: readonly string[];
}

export interface CompiledDialPlan extends NumberingContext {
  id: string;
  domainId: string;
  name: string;
  /** Enabled rules with a valid pattern, by ascending position. */
  rules: readonly CompiledRule[];
}

export interface CompiledTrunk {
  id: string;
  domainId: string;
  name: string;
  host: string;
  port: number;
  transport: SipTransport;
  inboundIps: readonly string[];
  priority: number;
  weight: number;
  failoverCodes: readonly number[];
  branchTimeoutMs: number;
  codecs: readonly string[];
  techPrefix: string;
  isEmergency: boolean;
  recordingPolicy: RecordingPolicy;
  enabled: boolean;
}

export interface ScheduleRange {
  dayOfWeek: number; // 0 = Sunday
  opens: string; // "HH:MM"
  closes: string; // "HH:MM", "24:00" allowed
}

export interface ScheduleHolidayDate {
  date: string; // "YYYY-MM-DD" or recurring "MM-DD"
  name?: string | null;
}

/** What schedule.ts needs: the compiled schedule satisfies it. */
export interface ScheduleTimes {
  timezone: string;
  hours: readonly ScheduleRange[];
  holidays: readonly ScheduleHolidayDate[];
}

export interface CompiledSchedule extends ScheduleTimes {
  id: string;
  domainId: string;
  name: string;
  openTarget: TargetRef;
  closedTarget: TargetRef;
}

export interface CompiledEmergencyNumber {
  id: string;
  domainId: string;
  number: string;
  trunkId: string;
}

export interface RoutingSnapshot {
  version: number;
  domainsByName: ReadonlyMap<string, CompiledDomain>;
  domainsById: ReadonlyMap<string, CompiledDomain>;
  /** Key `${domainId}:${extension}`. */
  usersByKey: ReadonlyMap<string, CompiledUser>;
  usersById: ReadonlyMap<string, CompiledUser>;
  groupsByKey: ReadonlyMap<string, CompiledGroup>;
  groupsById: ReadonlyMap<string, CompiledGroup>;
  queuesByKey: ReadonlyMap<string, CompiledQueue>;
  queuesById: ReadonlyMap<string, CompiledQueue>;
  numbersByE164: ReadonlyMap<string, CompiledNumber>;
  dialPlansById: ReadonlyMap<string, CompiledDialPlan>;
  trunksById: ReadonlyMap<string, CompiledTrunk>;
  /** Inbound source address → trunk. */
  trunksByInboundIp: ReadonlyMap<string, CompiledTrunk>;
  /** Enabled emergency trunks per domain, used as failover behind an emergency number's own trunk. */
  emergencyTrunksByDomain: ReadonlyMap<string, readonly CompiledTrunk[]>;
  schedulesById: ReadonlyMap<string, CompiledSchedule>;
  /** Key `${domainId}:${number}`. */
  emergencyByKey: ReadonlyMap<string, CompiledEmergencyNumber>;
  /** Number → every domain's entry, for callers we cannot place in a domain. */
  emergencyByNumber: ReadonlyMap<string, readonly CompiledEmergencyNumber[]>;
  /** Problems found while compiling (bad regex, unknown reference...), skipped rather than fatal. */
  warnings: readonly string[];
}

// ---------------------------------------------------------------- request and runtime

/** The `route` params of docs/kamailio-contract.md, camelCased; empty string when absent. */
export interface RouteRequest {
  callId: string;
  fromUser: string;
  fromDomain: string;
  toUser: string;
  ruriUser: string;
  ruriDomain: string;
  srcIp: string;
  srcPort: string;
  proto: string;
  authUser: string;
  authDomain: string;
  pai: string;
  method?: string;
  diversion?: string;
}

export interface AgentState {
  loggedIn: boolean;
  paused: boolean;
  busy: boolean;
  /** Epoch ms since which the agent is idle; absent means never rung since logging in. */
  idleSince?: number;
}

/** Live ACD state, owned by the caller (Redis, memory...): the engine only reads it. */
export interface AgentView {
  state(queueId: string, userId: string): AgentState | undefined;
  /** Index in the queue's member list of the agent rung last by ROUND_ROBIN (-1: none yet). */
  cursor(queueId: string): number;
}

export interface RuntimeInputs {
  now: Date;
  agents: AgentView;
  /** Uniform in [0, 1); injected so trunk weighting is testable. Defaults to Math.random. */
  rng?: () => number;
  /** What the domain's CRM said about the caller (asked before decide(), within its budget). */
  callerProfile?: CallerProfile;
  /** Record the decision's trace (default true). Kamailio's lookups turn it off: they never read it. */
  trace?: boolean;
}

export interface CallerProfile {
  vip: boolean;
  owner?: string;
  /** where a VIP calling into a queue goes instead (the domain's priority queue) */
  vipQueueId?: string;
}

// ---------------------------------------------------------------- decision

export interface TraceStep {
  step: string;
  detail: string;
}

export type RejectCode =
  | 'no_such_destination'
  | 'unknown_did'
  | 'unknown_caller'
  | 'auth_required'
  | 'caller_disabled'
  | 'domain_disabled'
  | 'trunk_disabled'
  | 'class_of_service'
  | 'no_dial_plan'
  | 'address_incomplete'
  | 'no_trunk_available'
  | 'destination_unavailable'
  | 'no_member_available'
  | 'no_agent_available'
  | 'hangup_target'
  | 'routing_loop'
  | 'broken_reference';

export interface RejectDecision {
  outcome: 'reject';
  sipCode: number;
  reason: string;
  code: RejectCode;
  domainId?: string;
  trace: TraceStep[];
}

export type SrtpMode = 'require' | 'optional' | 'off';

/** Declarative media intent; turned into rtpengine flags elsewhere. */
export interface MediaPolicy {
  /** SRTP towards the caller's leg. */
  callerSrtp: SrtpMode;
  /** SRTP towards the callee's leg. */
  calleeSrtp: SrtpMode;
  /** ICE candidates are useless to carriers and to SIP trunks: remove them there. */
  ice: 'remove' | 'keep';
  /** Codecs offered to the callee, in preference order; empty means pass through. */
  codecs: string[];
}

export interface SipHeader {
  name: string;
  value: string;
}

export interface RouteTarget {
  /** Request-URI of the branch. */
  uri: string;
  /** Next hop (outbound proxy), when the R-URI host is not where to send it. */
  dstUri?: string;
  /** true: a subscriber AoR that Kamailio resolves in usrloc. */
  lookup: boolean;
  headers: SipHeader[];
  /** tm fr_timer: no provisional reply within this, the branch fails (408). */
  frTimerMs?: number;
  /** tm fr_inv_timer: ringing longer than this, the branch fails (408). */
  frInvTimerMs?: number;
  /** Final codes on which to try the next route: numbers, or 'Nxx' for a class. Never 487. */
  failover: string[];
  label: string;
  userId?: string;
  trunkId?: string;
}

/** A set of routes tried together; `overflow` is tried once all of them failed. */
export interface RouteSet {
  routing: 'serial' | 'parallel';
  targets: RouteTarget[];
  overflow?: RouteSet;
}

export type RecordingMode = 'never' | 'always' | 'on_demand';
export type CallKind = 'internal' | 'inbound' | 'outbound' | 'emergency';

export interface RouteDecision extends RouteSet {
  outcome: 'route';
  kind: CallKind;
  /** true when the first route is a subscriber to resolve in usrloc. */
  lookup: boolean;
  media: MediaPolicy;
  recording: RecordingMode;
  /** The number presented to the callee (P-Asserted-Identity), when we assert one. */
  callerId?: string;
  domainId: string;
  trunkIds: string[];
  ruleId?: string;
  /** Short label of what decided, e.g. "rule:intl", "user:1002", "emergency:112". */
  label: string;
  /** ROUND_ROBIN queues: the cursor to store once the call is placed. */
  acd?: { queueId: string; nextCursor: number };
  trace: TraceStep[];
}

export type Decision = RejectDecision | RouteDecision;
