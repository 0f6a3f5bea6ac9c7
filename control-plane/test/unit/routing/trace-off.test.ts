// Kamailio's lookups decide with the trace off (nothing reads it there); the decision must be the
// same one explain shows with the trace on, for every kind of decision and reject.
import t from 'tap';
import { decide } from '../../../src/modules/routing/engine/decide.ts';
import { agentView, CLOSED_NOW, demoSnapshot, fromCarrier, fromUser, OPEN_NOW, request, runtimeAt } from './fixtures.ts';

const snapshot = demoSnapshot();

t.test('trace off: same decision, empty trace', async (t) => {
  const requests = [
    fromUser('1001', '1002'), fromUser('1003', '600'), fromUser('1003', '601'), fromUser('1001', '700'),
    fromUser('1001', '0123456789'), fromUser('1001', '00442079460000'), fromUser('1001', '0899123456'),
    fromUser('1001', '112'), fromUser('2001', '112'), fromUser('9999', '1002'), fromUser('1001', '5555'), fromUser('1001', ''),
    fromCarrier('192.0.2.10', '+33123000001'), fromCarrier('192.0.2.10', '+33999999999'), fromCarrier('203.0.113.250', '+33123000001'),
    request({ fromUser: 'x', ruriUser: '1002' }),
  ];
  let routed = 0;
  for (const now of [OPEN_NOW, CLOSED_NOW]) {
    for (const req of requests) {
      const rt = runtimeAt(now, agentView({}), () => 0.42);
      const on = decide(snapshot, req, rt);
      const off = decide(snapshot, req, { ...rt, trace: false });
      t.ok(on.trace.length > 0, `${req.ruriUser}: explain has a trace`);
      t.same(off.trace, [], `${req.ruriUser}: no trace when off`);
      t.same({ ...off, trace: undefined }, { ...on, trace: undefined }, `${req.ruriUser} at ${now.toISOString()}: same ${on.outcome}`);
      if (on.outcome === 'route') routed++;
    }
  }
  t.ok(routed >= 10, `most of the table routes (${routed}), the rest are rejects`);
});
