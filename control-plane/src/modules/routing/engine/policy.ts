// Small policy tables: who may call which class of number, which recording policy wins, which
// final replies move a call to its next route, and the media intent of a call.
import type {
  ClassOfService,
  CompiledTrunk,
  CompiledUser,
  MediaPolicy,
  NumberClass,
  RecordingMode,
  RecordingPolicy,
  SrtpMode,
} from './types.ts';

const ALLOWED_CLASSES: Record<ClassOfService, readonly NumberClass[]> = {
  INTERNAL: ['INTERNAL'],
  NATIONAL: ['INTERNAL', 'LOCAL', 'NATIONAL', 'MOBILE'],
  INTERNATIONAL: ['INTERNAL', 'LOCAL', 'NATIONAL', 'MOBILE', 'INTERNATIONAL'],
  PREMIUM: ['INTERNAL', 'LOCAL', 'NATIONAL', 'MOBILE', 'INTERNATIONAL', 'PREMIUM'],
};

export function classOfServiceAllows(cos: ClassOfService, numberClass: NumberClass): boolean {
  return ALLOWED_CLASSES[cos].includes(numberClass);
}

const RECORDING_MODES: Record<Exclude<RecordingPolicy, 'INHERIT'>, RecordingMode> = {
  NEVER: 'never',
  ALWAYS: 'always',
  ON_DEMAND: 'on_demand',
};

/** The first policy that is not INHERIT wins; candidates come most specific first. */
export function pickRecording(
  candidates: readonly { source: string; policy: RecordingPolicy | undefined }[],
): { mode: RecordingMode; source: string } {
  for (const c of candidates) {
    if (c.policy && c.policy !== 'INHERIT') return { mode: RECORDING_MODES[c.policy], source: c.source };
  }
  return { mode: 'never', source: 'default' };
}

// Failover sets. 487 never appears: it answers our own CANCEL (RFC 3261 §9.1), so the caller gave
// up and there is nobody left to route for. 486/603 are the callee's own answer (busy, declined,
// RFC 3261 §21.4.24, §21.6.2): a direct call ends there, whereas a hunt group or a queue moves on
// to the next member on busy.
export const DIRECT_USER_FAILOVER: readonly string[] = ['408', '480', '5xx'];
export const MEMBER_FAILOVER: readonly string[] = ['408', '480', '486', '5xx'];

/** A trunk's configured failover codes, keeping only final failure codes other than 487. */
export function trunkFailover(codes: readonly number[]): string[] {
  return [...new Set(codes)]
    .filter((c) => Number.isInteger(c) && c >= 300 && c <= 699 && c !== 487)
    .sort((a, b) => a - b)
    .map(String);
}

export interface MediaInputs {
  callerUser?: CompiledUser;
  callerIsTrunk: boolean;
  calleeUsers: readonly CompiledUser[];
  calleeTrunk?: CompiledTrunk;
}

/**
 * TLS-only users require SRTP on their leg (signalling over TLS with plain RTP would expose the
 * media anyway); carriers get plain RTP unless reached over TLS; phones get whatever they offer.
 */
export function mediaPolicy(m: MediaInputs): MediaPolicy {
  const trunkSrtp = (t: CompiledTrunk): SrtpMode => (t.transport === 'TLS' ? 'optional' : 'off');
  const callerSrtp: SrtpMode = m.callerUser?.tlsOnly ? 'require' : m.callerIsTrunk ? 'off' : 'optional';
  let calleeSrtp: SrtpMode = 'optional';
  if (m.calleeTrunk) calleeSrtp = trunkSrtp(m.calleeTrunk);
  else if (m.calleeUsers.some((u) => u.tlsOnly)) calleeSrtp = 'require';
  const single = m.calleeUsers.length === 1 ? m.calleeUsers[0] : undefined;
  const codecs = m.calleeTrunk?.codecs.length ? m.calleeTrunk.codecs : (single?.codecs ?? []);
  return {
    callerSrtp,
    calleeSrtp,
    ice: m.callerIsTrunk || m.calleeTrunk ? 'remove' : 'keep',
    codecs: [...codecs],
  };
}
