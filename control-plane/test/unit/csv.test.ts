import t from 'tap'
import { parseCsv, rowObject } from '../../src/modules/import/csv.ts'

t.test('plain, quoted, escaped, CRLF, BOM, multi-line', async (t) => {
  const recs = parseCsv('\ufeffa,b,c\r\n1,"two, with comma","say ""hi"""\n"multi\nline",,x\n\n')
  t.same(recs.map((r) => r.fields), [['a', 'b', 'c'], ['1', 'two, with comma', 'say "hi"'], ['multi\nline', '', 'x']])
  t.same(recs.map((r) => r.line), [1, 2, 3])
  t.same(parseCsv('x,y').map((r) => r.fields), [['x', 'y']], 'no final newline')
  t.same(parseCsv(''), [])
})

t.test('errors and row objects', async (t) => {
  t.throws(() => parseCsv('a,"b\n'), { message: /unterminated quoted field starting on line 1/ })
  t.same(rowObject(['a', 'b', 'c'], [' 1 ', '', 'z']), { a: '1', c: 'z' })
})
