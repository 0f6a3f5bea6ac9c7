import type { Prisma } from '../../generated/prisma/client.ts'
import type { ScopedRepository, Tx } from '../provisioning/scoped-service.ts'
import { guardedUpdate } from '../provisioning/versioning.ts'

const include = {
  hours: { orderBy: [{ dayOfWeek: 'asc' as const }, { opens: 'asc' as const }] },
  holidays: { orderBy: { date: 'asc' as const } },
}
export type ScheduleRow = Prisma.ScheduleGetPayload<{ include: typeof include }>
export type ScheduleData = Omit<Prisma.ScheduleUncheckedCreateInput, 'domainId' | 'hours' | 'holidays'>
export interface ScheduleTimes {
  hours?: Array<{ dayOfWeek: number; opens: string; closes: string }>
  holidays?: Array<{ date: string; name: string | null }>
}

export const schedulesRepository: ScopedRepository<ScheduleRow, ScheduleData> & { setTimes(tx: Tx, scheduleId: string, times: ScheduleTimes): Promise<void> } = {
  findById: (db, id) => db.schedule.findUnique({ where: { id }, include }),
  list: (db, where, skip, take) =>
    Promise.all([
      db.schedule.findMany({ where: where as Prisma.ScheduleWhereInput, include, skip, take, orderBy: [{ domainId: 'asc' }, { name: 'asc' }] }),
      db.schedule.count({ where: where as Prisma.ScheduleWhereInput }),
    ]),
  create: (tx, data) => tx.schedule.create({ data, select: { id: true } }),
  update: (tx, id, version, data) => guardedUpdate(tx.schedule, id, version, data),
  delete: async (tx, id) => void (await tx.schedule.delete({ where: { id } })),
  async setTimes(tx, scheduleId, { hours, holidays }) {
    if (hours) {
      await tx.scheduleHours.deleteMany({ where: { scheduleId } })
      if (hours.length) await tx.scheduleHours.createMany({ data: hours.map((h) => ({ scheduleId, ...h })) })
    }
    if (holidays) {
      await tx.scheduleHoliday.deleteMany({ where: { scheduleId } })
      if (holidays.length) await tx.scheduleHoliday.createMany({ data: holidays.map((h) => ({ scheduleId, ...h })) })
    }
  },
}
