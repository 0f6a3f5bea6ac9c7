// Compile-time proof that Prisma rows (with the includes the repository will use) fit
// SnapshotSource as they are: `npm run typecheck` fails if the schema and the engine drift apart.
// Type-only imports: nothing of the generated client is loaded at run time.
import t from 'tap';
import type {
  DialPlanModel,
  DialPlanRuleModel,
  DialPlanRuleTrunkModel,
  DomainModel,
  EmergencyNumberModel,
  GroupMemberModel,
  GroupModel,
  PhoneNumberModel,
  QueueMemberModel,
  QueueModel,
  ScheduleHolidayModel,
  ScheduleHoursModel,
  ScheduleModel,
  TrunkModel,
  UserModel,
} from '../../../src/generated/prisma/models.ts';
import type { SnapshotSource } from '../../../src/modules/routing/engine/source.ts';

/** What `findMany` with these includes returns. */
interface PrismaSnapshotRows {
  domains: DomainModel[];
  users: UserModel[];
  groups: (GroupModel & { members: GroupMemberModel[] })[];
  numbers: PhoneNumberModel[];
  dialPlans: (DialPlanModel & { rules: (DialPlanRuleModel & { trunks: DialPlanRuleTrunkModel[] })[] })[];
  trunks: TrunkModel[];
  schedules: (ScheduleModel & { hours: ScheduleHoursModel[]; holidays: ScheduleHolidayModel[] })[];
  queues: (QueueModel & { members: QueueMemberModel[] })[];
  emergencyNumbers: EmergencyNumberModel[];
}

type Assignable<From, To> = [From] extends [To] ? true : false;
const fits: Assignable<PrismaSnapshotRows, SnapshotSource> = true;

t.test('Prisma rows are a SnapshotSource', async (t) => {
  t.equal(fits, true);
});
