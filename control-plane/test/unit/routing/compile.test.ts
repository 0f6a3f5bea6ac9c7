import t from 'tap';
import { compileSnapshot } from '../../../src/modules/routing/engine/compile.ts';
import { decide } from '../../../src/modules/routing/engine/decide.ts';
import {
  agentView,
  demoSnapshot,
  demoSource,
  domainRow,
  fromUser,
  type MutableSource,
  numberRow,
  ruleRow,
  scheduleRow,
  trunkRow,
  userRow,
} from './fixtures.ts';

t.test('indexes of the demo snapshot', async (t) => {
  const s = demoSnapshot();
  t.equal(s.version, 7);
  t.equal(s.domainsByName.get('demo.switchboard.local')?.id, 'dom-demo');
  t.equal(s.domainsById.get('dom-us')?.name, 'us.example');
  t.equal(s.usersByKey.get('dom-demo:1001')?.id, 'u-1001');
  t.equal(s.usersByKey.get('dom-us:1001')?.id, 'u-us-1001', 'same extension, other domain');
  t.equal(s.usersById.get('u-1002')?.tlsOnly, true);
  t.same(s.groupsByKey.get('dom-demo:600')?.memberIds, ['u-1001', 'u-1002', 'u-1004'], 'group members by position');
  t.same(s.queuesByKey.get('dom-demo:700')?.members.map((m) => m.userId), ['u-2001', 'u-2002', 'u-2003', 'u-2004'], 'queue members by extension');
  t.same(s.queuesById.get('q-help')?.overflow, { type: 'USER', id: 'u-1003', number: null });
  t.equal(s.queuesById.get('q-bare')?.overflow, null);
  t.same(s.numbersByE164.get('+33123000005')?.target, { type: 'EXTERNAL', id: null, number: '0612345678' });
  t.equal(s.trunksByInboundIp.get('192.0.2.11')?.name, 'gw1');
  t.equal(s.trunksByInboundIp.get('198.51.100.5')?.name, 'us-gw');
  t.same(s.emergencyTrunksByDomain.get('dom-demo')?.map((x) => x.name), ['sos', 'sos-backup'], 'emergency trunks by priority');
  t.equal(s.emergencyByKey.get('dom-demo:112')?.trunkId, 't-sos');
  t.same(s.emergencyByNumber.get('112')?.map((e) => e.domainId), ['dom-demo', 'dom-us']);
  t.equal(s.schedulesById.get('s-office')?.hours.length, 10);
  t.same(s.schedulesById.get('s-office')?.openTarget, { type: 'GROUP', id: 'g-sales', number: null });
});

t.test('dial plan rules: sorted, disabled dropped, invalid regex skipped with a warning', async (t) => {
  const s = demoSnapshot();
  const fr = s.dialPlansById.get('dp-fr')!;
  t.same(fr.rules.map((r) => r.name), ['premium', 'mobile', 'national', 'intl', 'outside-line', 'e164', 'service', 'dead', 'short']);
  t.notOk(fr.rules.some((r) => r.id === 'r-bad'), 'the broken rule is not compiled');
  t.notOk(fr.rules.some((r) => r.id === 'r-off'), 'the disabled rule is not compiled');
  t.match(s.warnings.join('\n'), /rule broken has an invalid pattern/);
  t.same({ cc: fr.countryCode, np: fr.nationalPrefix, ip: fr.internationalPrefix }, { cc: '33', np: '0', ip: '00' });
});

t.test('patterns are anchored as a whole, alternations included', async (t) => {
  const source = demoSource();
  source.dialPlans[0].rules = [ruleRow({ id: 'r-alt', position: 1, pattern: '12|34' })];
  const rule = compileSnapshot(source, 1).dialPlansById.get('dp-fr')!.rules[0];
  const cases: [string, boolean][] = [['12', true], ['34', true], ['123', false], ['534', false], ['1234', false]];
  for (const [digits, match] of cases) t.equal(rule.regex.test(digits), match, digits);
});

t.test('bad references and data are skipped with warnings, never thrown', async (t) => {
  const source = demoSource();
  source.domains.push(domainRow({ id: 'dom-bad', name: 'Bad.Example', timezone: 'Nowhere/Land' }));
  source.schedules.push(scheduleRow({ id: 's-bad', domainId: 'dom-bad', name: 'badzone', timezone: 'Not/AZone' }));
  source.groups[0].members = [...source.groups[0].members, { userId: 'u-ghost', position: 9 }];
  source.queues[0].members = [...source.queues[0].members, { userId: 'u-ghost', priority: 0 }];
  source.dialPlans[0].rules[0].trunks = [{ trunkId: 't-gw3' }, { trunkId: 't-ghost' }];
  source.emergencyNumbers.push({ id: 'e-x', domainId: 'dom-demo', number: '999', trunkId: 't-ghost' });
  // Two trunks claim one address: the enabled one keeps it whatever the order.
  source.trunks.push(trunkRow({ id: 't-dup', domainId: 'dom-demo', name: 'dup', host: 'dup.example', inboundIps: ['192.0.2.10', '192.0.2.99'] }));
  const s = compileSnapshot(source, 2);
  const w = s.warnings.join('\n');
  t.match(w, /domain Bad.Example: unknown time zone "Nowhere\/Land", using UTC/);
  t.equal(s.domainsById.get('dom-bad')?.timezone, 'UTC');
  t.equal(s.domainsByName.get('bad.example')?.id, 'dom-bad', 'domain names are case-insensitive');
  t.match(w, /schedule badzone: unknown time zone/);
  t.equal(s.schedulesById.get('s-bad')?.timezone, 'UTC');
  t.match(w, /group sales: member u-ghost is not a known user/);
  t.notOk(s.groupsById.get('g-sales')?.memberIds.includes('u-ghost'));
  t.match(w, /queue helpdesk: member u-ghost/);
  t.match(w, /names unknown trunk t-ghost/);
  t.same(s.dialPlansById.get('dp-fr')!.rules.find((r) => r.id === 'r-intl')?.trunkIds, ['t-gw3']);
  t.match(w, /emergency number 999: unknown trunk t-ghost/);
  t.match(w, /trunk dup: inbound address 192.0.2.10 already belongs to trunk gw1/);
  t.equal(s.trunksByInboundIp.get('192.0.2.10')?.name, 'gw1', 'first enabled trunk keeps the address');
  t.equal(s.trunksByInboundIp.get('192.0.2.99')?.name, 'dup', 'an enabled trunk takes over a disabled one');
});

t.test('Prisma rows with extra fields are accepted and secrets are not copied', async (t) => {
  const source = demoSource();
  const row = { ...source.trunks[0], secretCiphertext: 'c2VjcmV0', secretKeyId: 'k1', username: 'acct', version: 3, createdAt: new Date() };
  source.trunks[0] = row;
  const compiled = compileSnapshot(source, 1).trunksById.get(row.id)!;
  t.notOk('secretCiphertext' in compiled);
  t.notOk('username' in compiled);
  t.equal(compiled.host, row.host);
});

/** 10,000 users, 5,000 DIDs, 200 rules over 50 trunks in 10 domains. */
function bigSource(): MutableSource {
  const source: MutableSource = { domains: [], users: [], groups: [], numbers: [], dialPlans: [], trunks: [], schedules: [], queues: [], emergencyNumbers: [] };
  const domains = source.domains;
  for (let d = 0; d < 10; d++) {
    const id = `dom-${d}`;
    domains.push(domainRow({ id, name: `tenant${d}.example`, defaultDialPlanId: `dp-${d}` }));
    const trunks = Array.from({ length: 5 }, (_, i) => trunkRow({ id: `t-${d}-${i}`, domainId: id, name: `gw${i}`, host: `gw${i}.t${d}.example`, inboundIps: [`10.${d}.0.${i}`], priority: i % 2 }));
    source.trunks.push(...trunks);
    source.dialPlans.push({
      id: `dp-${d}`, domainId: id, name: 'plan', countryCode: '33', nationalPrefix: '0', internationalPrefix: '00',
      rules: Array.from({ length: 20 }, (_, r) => ruleRow({ id: `r-${d}-${r}`, position: r, pattern: `0${r % 9 + 1}[0-9]{8}|00${r}[0-9]{6,12}`, trunkIds: trunks.map((x) => x.id) })),
    });
    for (let u = 0; u < 1000; u++) source.users.push(userRow({ id: `u-${d}-${u}`, domainId: id, extension: String(1000 + u), callerId: `+3398${d}${String(u).padStart(6, '0')}` }));
    for (let n = 0; n < 500; n++) source.numbers.push(numberRow(`n-${d}-${n}`, id, `+331${d}${String(n).padStart(7, '0')}`, 'USER', `u-${d}-${n}`));
  }
  return source;
}

t.test('a realistic snapshot compiles well under a second, and decisions stay fast', async (t) => {
  const source = bigSource();
  const started = performance.now();
  const s = compileSnapshot(source, 1);
  const compileMs = performance.now() - started;
  t.equal(s.usersById.size, 10000);
  t.equal(s.numbersByE164.size, 5000);
  t.equal([...s.dialPlansById.values()].reduce((n, p) => n + p.rules.length, 0), 200);
  t.same(s.warnings, []);
  t.ok(compileMs < 500, `compiled in ${compileMs.toFixed(1)} ms`);

  const runtime = { now: new Date('2026-06-10T08:30:00Z'), agents: agentView(), rng: () => 0.5 };
  const req = fromUser('1500', '0912345678', { authDomain: 'tenant3.example', fromDomain: 'tenant3.example' });
  t.equal(decide(s, req, runtime).outcome, 'route', 'the last rule group still matches');
  const n = 10000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) decide(s, req, runtime);
  const perCall = (performance.now() - t0) / n;
  t.ok(perCall < 0.2, `decide() takes ${(perCall * 1000).toFixed(1)} µs per call`);
});
