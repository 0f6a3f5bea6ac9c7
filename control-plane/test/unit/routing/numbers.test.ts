import t from 'tap';
import {
  cleanDialled,
  didCandidates,
  isE164,
  isExtension,
  rewriteDigits,
  toE164,
} from '../../../src/modules/routing/engine/numbers.ts';
import type { NumberingContext } from '../../../src/modules/routing/engine/types.ts';

const FR: NumberingContext = { countryCode: '33', nationalPrefix: '0', internationalPrefix: '00' };
const US: NumberingContext = { countryCode: '1', nationalPrefix: '1', internationalPrefix: '011' };
const NO_TRUNK_PREFIX: NumberingContext = { countryCode: '45', nationalPrefix: '', internationalPrefix: '00' };
// Russia: the international prefix 810 starts with the national prefix 8.
const RU: NumberingContext = { countryCode: '7', nationalPrefix: '8', internationalPrefix: '810' };
// Contrived: a national prefix longer than, and starting with, the international one.
const ODD: NumberingContext = { countryCode: '99', nationalPrefix: '01', internationalPrefix: '0' };

t.test('toE164', async (t) => {
  const cases: [string, NumberingContext, string | null, string][] = [
    ['0123456789', FR, '+33123456789', 'French national number'],
    ['0612345678', FR, '+33612345678', 'French mobile'],
    ['0044207946000', FR, '+44207946000', 'international prefix 00'],
    ['+12125551234', FR, '+12125551234', 'already E.164 stays'],
    ['123456789', FR, '+33123456789', 'national significant number without prefix'],
    ['01 23 45 67 89', FR, '+33123456789', 'visual separators ignored'],
    ['(01) 23-45.67.89', FR, '+33123456789', 'brackets, dashes, dots ignored'],
    ['011442079460000', US, '+442079460000', 'US international prefix 011 before national 1'],
    ['12125551234', US, '+12125551234', 'US national prefix 1'],
    ['2125551234', US, '+12125551234', 'US ten digits'],
    ['33123456', NO_TRUNK_PREFIX, '+4533123456', 'no national prefix: digits are national'],
    ['0049301234567', NO_TRUNK_PREFIX, '+49301234567', 'no national prefix, international still works'],
    ['81044207946000', RU, '+44207946000', 'Russia: 810 is international'],
    ['84951234567', RU, '+74951234567', 'Russia: 8 is national'],
    ['0123456', ODD, '+9923456', 'the longest matching prefix wins, whichever its role'],
    ['0441234', ODD, '+441234', 'the shorter prefix when the longer does not match'],
    ['00', FR, null, 'international prefix alone'],
    ['0', FR, null, 'national prefix alone'],
    ['0012345678901234567', FR, null, 'longer than 15 digits'],
    ['+0123', FR, null, 'country code cannot start with 0'],
    ['+', FR, null, 'plus alone'],
    ['12a4', FR, null, 'letters'],
    ['', FR, null, 'empty'],
    ['1+2', FR, null, 'plus in the middle'],
    ['000123', FR, null, '00 then a 0 country code'],
  ];
  for (const [input, ctx, expected, why] of cases) t.equal(toE164(input, ctx), expected, `${why}: ${input}`);
});

t.test('isE164', async (t) => {
  const cases: [string, boolean][] = [
    ['+33123456789', true],
    ['+1', false],
    ['+12', true],
    ['+123456789012345', true],
    ['+1234567890123456', false],
    ['33123456789', false],
    ['+033123456789', false],
    ['+33 123', false],
    ['', false],
  ];
  for (const [value, expected] of cases) t.equal(isE164(value), expected, value || '(empty)');
});

t.test('isExtension', async (t) => {
  const cases: [string, boolean, { minLength?: number; maxLength?: number }?][] = [
    ['1001', true],
    ['10', true],
    ['1', false],
    ['12345678', true],
    ['123456789', false],
    ['10a1', false],
    ['+100', false],
    ['', false],
    ['1', true, { minLength: 1 }],
    ['123456789', true, { maxLength: 10 }],
    ['123', false, { minLength: 4 }],
  ];
  for (const [value, expected, rules] of cases) t.equal(isExtension(value, rules), expected, `${value} ${JSON.stringify(rules ?? {})}`);
});

t.test('rewriteDigits and cleanDialled', async (t) => {
  t.equal(rewriteDigits('90123456789', 1, ''), '0123456789', 'strip an outside-line digit');
  t.equal(rewriteDigits('123', 0, '+33'), '+33123', 'prefix only');
  t.equal(rewriteDigits('0612', 1, '0033'), '0033612', 'strip then prefix');
  t.equal(rewriteDigits('12', 5, 'x'), 'x', 'stripping more than there is');
  t.equal(rewriteDigits('12', -3, ''), '12', 'negative strip is no strip');
  t.equal(cleanDialled(' +33 1 '), '+331');
  t.equal(cleanDialled('1*2'), null);
});

t.test('didCandidates', async (t) => {
  const cases: [string, NumberingContext | undefined, string[]][] = [
    ['+33123000001', FR, ['+33123000001']],
    ['33123000001', FR, ['+3333123000001', '+33123000001']],
    ['0123000001', FR, ['+33123000001']],
    ['0033123000001', FR, ['+33123000001']],
    ['33123000001', undefined, ['+33123000001']],
    ['0123000001', undefined, []],
    ['+0123', FR, []],
    ['abc', FR, []],
    ['', FR, []],
  ];
  for (const [dialled, ctx, expected] of cases) t.same(didCandidates(dialled, ctx), expected, `${dialled} ${ctx ? 'with' : 'without'} context`);
});
