#!/usr/bin/env node
// Generates the Prisma client (control-plane/src/generated/prisma), then makes one change to it:
// the query compiler's WebAssembly is read from its file when the client starts, instead of being
// imported as a JavaScript module. Prisma ships the .wasm as a base64 string inside an ES module;
// imported, that module's source and its string stay in the heap for the life of the process
// (2 × 2.3 MB for the small build: docs/benchmarks.md, memory). Read as a file, the text is garbage
// once the module is compiled. Same bytes, same WebAssembly.Module.
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
fs.writeFileSync(CLASS, patched)
console.error(`generate-client: ${path.relative(ROOT, CLASS)} loads ${specifier} as a file`)
