// Entry of a worker thread started from the TypeScript sources (tsx: tests, `npm run dev`): Node 20
// does not hand tsx's loader to worker threads, so this registers it and then loads the real entry
// (workerData.entry). The compiled build starts its workers from their .js files directly.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.entry)
