// The `data` of call.* events: the CDR as it stands after the dialog event (call.ended carries the
// final record: duration, billable seconds, hang-up cause and side).
import type { Cdr } from '../../generated/prisma/client.ts'

export function callData(cdr: Cdr) {
  return {
    cdrId: cdr.id,
    callId: cdr.callId,
    direction: cdr.direction,
    caller: cdr.caller,
    callerE164: cdr.callerE164,
    callee: cdr.callee,
    calleeE164: cdr.calleeE164,
    startedAt: cdr.startedAt.toISOString(),
    answeredAt: cdr.answeredAt?.toISOString() ?? null,
    endedAt: cdr.endedAt?.toISOString() ?? null,
    durationSec: cdr.durationSec,
    billableSec: cdr.billableSec,
    trunkId: cdr.trunkId,
    ruleId: cdr.ruleId,
    hangupCause: cdr.hangupCause,
    hangupSide: cdr.hangupSide,
    codecs: cdr.codecs,
    mediaQuality: cdr.mediaQuality ?? null,
    recordingId: cdr.recordingId,
  }
}
