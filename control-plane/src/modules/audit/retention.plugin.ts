// Schedules the journal's retention job (node-cron, AUDIT_RETENTION_CRON, daily by default). Runs
// never overlap in this process; across instances the chain lock serialises them and the second
// finds nothing left to move.
import fp from 'fastify-plugin'
import cron from 'node-cron'
import { archiveExpiredEntries } from './retention.ts'

export default fp(
  async (app) => {
    const { retentionDays, cron: expression } = app.config.security.audit
    const task = cron.schedule(expression, async () => {
      try {
        const r = await archiveExpiredEntries(app.database.prisma, retentionDays)
        if (r.archived > 0) app.log.info({ archived: r.archived, boundaryId: r.boundaryId }, 'audit retention: entries moved to the archive')
      } catch (err) {
        app.log.error({ err }, 'audit retention job failed; the entries stay in the live journal')
      }
    }, { name: 'audit-retention', noOverlap: true })
    app.addHook('onClose', async () => {
      await task.stop()
    })
  },
  { name: 'audit-retention', dependencies: ['database', 'config'] },
)
