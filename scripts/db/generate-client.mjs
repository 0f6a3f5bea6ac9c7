#!/usr/bin/env node
// Generates the Prisma client (control-plane/src/generated/prisma), then makes one change to it:
// the query compiler's WebAssembly is read from its file when the client starts, instead of being
// imported as a JavaScript module. Prisma ships the .wasm as a base64 string inside an ES module;
// imported, that module's source and its string stay in the heap for the life of the process
// (2 × 2.3 MB for the small build: docs/benchmarks.md, memory). Read as a file, the text is garbage
// once the module is compiled. Same bytes, same WebAssembly.Module.
//
// And one more, for the same reason: the client's parameterization graph (config.parameterizationSchema,
// which tells the query-plan cache which values are parameters) keys every node's edges by an index
// into its string table, as integer properties of a plain object. V8 backs such an object with an
// array as long as its largest key: field names sit at indices up to ~800, so ~2,000 nodes of one or
// two edges each took 6-9 kB apiece, 7 MB in all. The string table is padded with 1,024 empty
// strings and every index shifted past them: an object whose first key is >= 1,024 gets dictionary
// elements (V8's kMaxGap), sized by its entries. Same lookups (by name, through the same table),
// same answers; checked below by decoding both graphs back to names.
//
// Fails loudly when the generated code no longer has the expected shape (a Prisma upgrade): the
// generated client is then left unpatched and this script must be updated.
//
//   node scripts/db/generate-client.mjs        (npm run generate; scripts/setup.sh; the Dockerfile)
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '../..')
const CLASS = path.join(ROOT, 'control-plane/src/generated/prisma/internal/class.ts')
const MARKER = 'patched by scripts/db/generate-client.mjs'

// the schema engine is never needed to generate the client (migrations are plain SQL)
execFileSync('npx', ['--no-install', 'prisma', 'generate'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false' } })

const src = fs.readFileSync(CLASS, 'utf8')
const loader = /( *)const \{ wasm \} = await import\(("@prisma\/client\/runtime\/query_compiler_\w+\.\w+\.wasm-base64\.mjs")\)\n\s*return await decodeBase64AsWasm\(wasm\)/
const m = loader.exec(src)
if (!m) {
  console.error(`generate-client: the query compiler loader was not found in ${path.relative(ROOT, CLASS)}; update scripts/db/generate-client.mjs for this Prisma version`)
  process.exit(1)
}
const [, indent, specifier] = m
const patched = src.replace(loader, [
  `${indent}// ${MARKER}: the base64 module is read as a file, so its text does not stay in the heap`,
  `${indent}const { readFile } = await import('node:fs/promises')`,
  `${indent}const text = await readFile(new URL(import.meta.resolve(${specifier})), 'latin1')`,
  `${indent}return await decodeBase64AsWasm(text.slice(text.indexOf('"') + 1, text.lastIndexOf('"')))`,
].join('\n'))
const schemaRe = /(config\.parameterizationSchema = \{\n\s*strings: JSON\.parse\()("(?:[^"\\]|\\.)*")(\),\n\s*graph: ")([A-Za-z0-9+/=_-]*)(")/
const sm = schemaRe.exec(patched)
if (!sm) {
  console.error('generate-client: config.parameterizationSchema not found in the generated client; update scripts/db/generate-client.mjs for this Prisma version')
  process.exit(1)
}
const strings = JSON.parse(JSON.parse(sm[2]))
const PAD = 1024
const graph = shiftGraph(Buffer.from(sm[4], 'base64url'), PAD)
const padded = [...Array(PAD).fill(''), ...strings]
// the rewritten graph must read back to the same edges, by name
const named = (g, table) => JSON.stringify(readGraph(g, (i) => table[i]))
if (named(Buffer.from(sm[4], 'base64url'), strings) !== named(graph, padded)) {
  console.error('generate-client: the shifted parameterization graph does not match the original; not patched')
  process.exit(1)
}
const final = patched.replace(schemaRe, (_all, a, _s, b, _g, c) => `${a}${JSON.stringify(JSON.stringify(padded))}${b}${graph.toString('base64url')}${c}`)
fs.writeFileSync(CLASS, final)
console.error(`generate-client: ${path.relative(ROOT, CLASS)} loads ${specifier} as a file; parameterization graph indices shifted by ${PAD}`)

/** The parameterization graph's binary format, as @prisma/client's runtime reads it (LEB128
 *  varints; "optional" = varint, 0 for absent, else value + 1). `key(i)` maps a string index. */
function readGraph(buf, key) {
  let at = 0
  const varint = () => { let v = 0, shift = 0, b; do { b = buf[at++]; v += (b & 127) * 2 ** shift; shift += 7 } while (b >= 128); return v }
  const opt = () => { const v = varint(); return v === 0 ? undefined : v - 1 }
  const u8 = () => buf[at++]
  const u16 = () => { const v = buf[at] | (buf[at + 1] << 8); at += 2; return v }
  const [inputs, outputs, roots] = [varint(), varint(), varint()]
  const g = { input: [], output: [], roots: [] }
  for (let n = 0; n < inputs; n++) {
    const edges = []
    for (let e = varint(); e > 0; e--) { const k = key(varint()); const mask = u16(); const child = opt(); const en = opt(); edges.push([k, mask, child, en === undefined ? undefined : key(en), u8()]) }
    g.input.push(edges)
  }
  for (let n = 0; n < outputs; n++) {
    const edges = []
    for (let e = varint(); e > 0; e--) edges.push([key(varint()), opt(), opt()])
    g.output.push(edges)
  }
  for (let n = 0; n < roots; n++) g.roots.push([key(varint()), opt(), opt()])
  if (at !== buf.length) throw new Error(`parameterization graph: ${buf.length - at} bytes left over (unknown format)`)
  return g
}

/** The same graph with every string index + `by`. */
function shiftGraph(buf, by) {
  const g = readGraph(buf, (i) => i + by)
  const out = []
  const varint = (v) => { do { let b = v % 128; v = Math.floor(v / 128); if (v > 0) b |= 128; out.push(b) } while (v > 0) }
  const opt = (v) => varint(v === undefined ? 0 : v + 1)
  varint(g.input.length); varint(g.output.length); varint(g.roots.length)
  for (const edges of g.input) {
    varint(edges.length)
    for (const [k, mask, child, en, flags] of edges) { varint(k); out.push(mask & 255, mask >> 8); opt(child); opt(en); out.push(flags) }
  }
  for (const edges of g.output) {
    varint(edges.length)
    for (const [k, args, outNode] of edges) { varint(k); opt(args); opt(outNode) }
  }
  for (const [k, args, outNode] of g.roots) { varint(k); opt(args); opt(outNode) }
  return Buffer.from(out)
}
