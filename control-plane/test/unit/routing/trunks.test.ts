import t from 'tap';
import { orderTrunks, type OrderableTrunk } from '../../../src/modules/routing/engine/trunks.ts';
import { seededRng, sequenceRng } from './fixtures.ts';

const trunk = (id: string, priority: number, weight = 100, enabled = true): OrderableTrunk => ({ id, priority, weight, enabled });
const ids = (list: OrderableTrunk[]) => list.map((x) => x.id);

t.test('priority groups in ascending order, disabled trunks skipped', async (t) => {
  const input = [trunk('a', 20), trunk('b', 10), trunk('c', 10, 100, false), trunk('d', 5)];
  const { ordered, skipped } = orderTrunks(input, () => 0);
  t.same(ids(ordered), ['d', 'b', 'a']);
  t.same(ids(skipped), ['c']);
  t.same(ids(input), ['a', 'b', 'c', 'd'], 'input untouched');
});

t.test('weighted draw inside a priority group (weights 100 and 50)', async (t) => {
  const input = [trunk('big', 10, 100), trunk('small', 10, 50), trunk('backup', 20, 100)];
  const cases: [number[], string[], string][] = [
    [[0], ['big', 'small', 'backup'], 'draw 0 lands on the first weight'],
    [[0.66], ['big', 'small', 'backup'], 'draw 99/150 still on big'],
    [[0.667], ['small', 'big', 'backup'], 'draw 100.05/150 lands on small'],
    [[0.7], ['small', 'big', 'backup'], 'draw 105/150 on small'],
    [[0.9999], ['small', 'big', 'backup'], 'top of the range'],
    [[1], ['small', 'big', 'backup'], 'an rng returning exactly 1 does not overflow'],
  ];
  for (const [draws, expected, why] of cases) t.same(ids(orderTrunks(input, sequenceRng(draws)).ordered), expected, why);
});

t.test('each trunk owns a half-open slice of the draw', async (t) => {
  const input = [trunk('a', 1, 1), trunk('b', 1, 1)];
  t.same(ids(orderTrunks(input, sequenceRng([0.4999])).ordered), ['a', 'b'], 'just below the boundary');
  t.same(ids(orderTrunks(input, sequenceRng([0.5])).ordered), ['b', 'a'], 'the boundary belongs to the next trunk');
});

t.test('three trunks: successive draws pick without replacement', async (t) => {
  const input = [trunk('x', 1, 10), trunk('y', 1, 20), trunk('z', 1, 70)];
  // 0.5*100=50 → z (10+20 < 50); then over x,y (30): 0.9*30=27 → y; then x.
  t.same(ids(orderTrunks(input, sequenceRng([0.5, 0.9])).ordered), ['z', 'y', 'x']);
  t.same(ids(orderTrunks(input, sequenceRng([0.05, 0.5])).ordered), ['x', 'z', 'y']);
});

t.test('zero weight trunks come last in their group, in input order', async (t) => {
  const input = [trunk('z1', 10, 0), trunk('w', 10, 1), trunk('z2', 10, 0), trunk('later', 20, 0)];
  t.same(ids(orderTrunks(input, () => 0.99).ordered), ['w', 'z1', 'z2', 'later']);
});

t.test('nothing enabled', async (t) => {
  const { ordered, skipped } = orderTrunks([trunk('a', 1, 100, false)], () => 0);
  t.same(ordered, []);
  t.equal(skipped.length, 1);
  t.same(orderTrunks([], () => 0), { ordered: [], skipped: [] });
});

t.test('over many calls the share follows the weights', async (t) => {
  const input = [trunk('big', 10, 300), trunk('small', 10, 100)];
  const rng = seededRng(42);
  let bigFirst = 0;
  const runs = 20000;
  for (let i = 0; i < runs; i++) if (orderTrunks(input, rng).ordered[0].id === 'big') bigFirst++;
  const share = bigFirst / runs;
  t.ok(share > 0.73 && share < 0.77, `big goes first about 75% of the time (${(share * 100).toFixed(1)}%)`);
});
