// What compileSnapshot reads: plain rows shaped like the Prisma models (prisma/schema.prisma),
// reduced to the fields routing needs. Prisma rows carry more fields; they still fit structurally,
// so the repository can pass `findMany({ include: ... })` results straight in.
import type {
  CompiledDomain,
  CompiledEmergencyNumber,
  CompiledTrunk,
  CompiledUser,
  GroupStrategy,
  NumberClass,
  QueueStrategy,
  RecordingPolicy,
  TargetType,
} from './types.ts';

/** A domain as read: the fields the snapshot keeps. */
export type DomainRow = CompiledDomain;

/** A user as read: the fields the snapshot keeps (the HA1 digests are in neither; auth has its own index). */
export type UserRow = CompiledUser;

export interface GroupRow {
  id: string;
  domainId: string;
  name: string;
  extension: string | null;
  strategy: GroupStrategy;
  memberTimeout: number;
  members: readonly { userId: string; position: number }[];
}

export interface PhoneNumberRow {
  id: string;
  domainId: string;
  e164: string;
  targetType: TargetType;
  targetId: string | null;
  targetNumber: string | null;
  recordingPolicy: RecordingPolicy;
}

export interface DialPlanRuleRow {
  id: string;
  position: number;
  name: string | null;
  pattern: string;
  stripDigits: number;
  prefix: string;
  toE164: boolean;
  numberClass: NumberClass;
  enabled: boolean;
  trunks: readonly { trunkId: string }[];
}

export interface DialPlanRow {
  id: string;
  domainId: string;
  name: string;
  countryCode: string;
  nationalPrefix: string;
  internationalPrefix: string;
  rules: readonly DialPlanRuleRow[];
}

/** A trunk as read: exactly the fields the snapshot keeps (credentials are in neither). */
export type TrunkRow = CompiledTrunk;

export interface ScheduleRow {
  id: string;
  domainId: string;
  name: string;
  timezone: string;
  openTargetType: TargetType;
  openTargetId: string | null;
  openTargetNumber: string | null;
  closedTargetType: TargetType;
  closedTargetId: string | null;
  closedTargetNumber: string | null;
  hours: readonly { dayOfWeek: number; opens: string; closes: string }[];
  holidays: readonly { date: string; name: string | null }[];
}

export interface QueueRow {
  id: string;
  domainId: string;
  name: string;
  extension: string | null;
  strategy: QueueStrategy;
  agentTimeout: number;
  maxWait: number;
  overflowTargetType: TargetType | null;
  overflowTargetId: string | null;
  overflowTargetNumber: string | null;
  members: readonly { userId: string; priority: number }[];
}

/** An emergency number as read: the fields the snapshot keeps. */
export type EmergencyNumberRow = CompiledEmergencyNumber;

export interface SnapshotSource {
  domains: readonly DomainRow[];
  users: readonly UserRow[];
  groups: readonly GroupRow[];
  numbers: readonly PhoneNumberRow[];
  dialPlans: readonly DialPlanRow[];
  trunks: readonly TrunkRow[];
  schedules: readonly ScheduleRow[];
  queues: readonly QueueRow[];
  emergencyNumbers: readonly EmergencyNumberRow[];
}
