-- CreateEnum
CREATE TYPE "ClassOfService" AS ENUM ('INTERNAL', 'NATIONAL', 'INTERNATIONAL', 'PREMIUM');

-- CreateEnum
CREATE TYPE "RecordingPolicy" AS ENUM ('INHERIT', 'NEVER', 'ALWAYS', 'ON_DEMAND');

-- CreateEnum
CREATE TYPE "GroupStrategy" AS ENUM ('RING_ALL', 'HUNT');

-- CreateEnum
CREATE TYPE "TargetType" AS ENUM ('USER', 'GROUP', 'QUEUE', 'SCHEDULE', 'EXTERNAL', 'HANGUP');

-- CreateEnum
CREATE TYPE "NumberClass" AS ENUM ('INTERNAL', 'LOCAL', 'NATIONAL', 'MOBILE', 'INTERNATIONAL', 'PREMIUM');

-- CreateEnum
CREATE TYPE "SipTransport" AS ENUM ('UDP', 'TCP', 'TLS');

-- CreateEnum
CREATE TYPE "TrunkAuth" AS ENUM ('IP', 'CREDENTIALS');

-- CreateEnum
CREATE TYPE "QueueStrategy" AS ENUM ('RING_ALL', 'ROUND_ROBIN', 'LONGEST_IDLE', 'PRIORITY');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'OPERATOR', 'AUDITOR', 'AGENT');

-- CreateTable
CREATE TABLE "domains" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "regMinExpires" INTEGER NOT NULL DEFAULT 60,
    "regMaxExpires" INTEGER NOT NULL DEFAULT 3600,
    "regDefaultExpires" INTEGER NOT NULL DEFAULT 600,
    "defaultDialPlanId" UUID,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "domains_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "domainId" UUID NOT NULL,
    "extension" TEXT NOT NULL,
    "displayName" TEXT,
    "email" TEXT,
    "ha1" TEXT NOT NULL,
    "ha1b" TEXT NOT NULL,
    "callerId" TEXT,
    "classOfService" "ClassOfService" NOT NULL DEFAULT 'NATIONAL',
    "dialPlanId" UUID,
    "recordingPolicy" "RecordingPolicy" NOT NULL DEFAULT 'INHERIT',
    "tlsOnly" BOOLEAN NOT NULL DEFAULT false,
    "codecs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "groups" (
    "id" UUID NOT NULL,
    "domainId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "extension" TEXT,
    "strategy" "GroupStrategy" NOT NULL DEFAULT 'RING_ALL',
    "memberTimeout" INTEGER NOT NULL DEFAULT 20,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "group_members" (
    "groupId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "group_members_pkey" PRIMARY KEY ("groupId","userId")
);

-- CreateTable
CREATE TABLE "numbers" (
    "id" UUID NOT NULL,
    "domainId" UUID NOT NULL,
    "e164" TEXT NOT NULL,
    "description" TEXT,
    "targetType" "TargetType" NOT NULL,
    "targetId" UUID,
    "targetNumber" TEXT,
    "recordingPolicy" "RecordingPolicy" NOT NULL DEFAULT 'INHERIT',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "numbers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dial_plans" (
    "id" UUID NOT NULL,
    "domainId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "countryCode" TEXT NOT NULL DEFAULT '33',
    "nationalPrefix" TEXT NOT NULL DEFAULT '0',
    "internationalPrefix" TEXT NOT NULL DEFAULT '00',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dial_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dial_plan_rules" (
    "id" UUID NOT NULL,
    "dialPlanId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT,
    "pattern" TEXT NOT NULL,
    "stripDigits" INTEGER NOT NULL DEFAULT 0,
    "prefix" TEXT NOT NULL DEFAULT '',
    "toE164" BOOLEAN NOT NULL DEFAULT true,
    "numberClass" "NumberClass" NOT NULL DEFAULT 'NATIONAL',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dial_plan_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dial_plan_rule_trunks" (
    "ruleId" UUID NOT NULL,
    "trunkId" UUID NOT NULL,

    CONSTRAINT "dial_plan_rule_trunks_pkey" PRIMARY KEY ("ruleId","trunkId")
);

-- CreateTable
CREATE TABLE "trunks" (
    "id" UUID NOT NULL,
    "domainId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 5060,
    "transport" "SipTransport" NOT NULL DEFAULT 'UDP',
    "authMode" "TrunkAuth" NOT NULL DEFAULT 'IP',
    "inboundIps" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "username" TEXT,
    "secretCiphertext" TEXT,
    "secretKeyId" TEXT,
    "priority" INTEGER NOT NULL DEFAULT 10,
    "weight" INTEGER NOT NULL DEFAULT 100,
    "failoverCodes" INTEGER[] DEFAULT ARRAY[408, 500, 502, 503, 504]::INTEGER[],
    "branchTimeoutMs" INTEGER NOT NULL DEFAULT 5000,
    "maxChannels" INTEGER,
    "codecs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "techPrefix" TEXT NOT NULL DEFAULT '',
    "isEmergency" BOOLEAN NOT NULL DEFAULT false,
    "recordingPolicy" "RecordingPolicy" NOT NULL DEFAULT 'INHERIT',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "trunks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "emergency_numbers" (
    "id" UUID NOT NULL,
    "domainId" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "description" TEXT,
    "trunkId" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "emergency_numbers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schedules" (
    "id" UUID NOT NULL,
    "domainId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "openTargetType" "TargetType" NOT NULL,
    "openTargetId" UUID,
    "openTargetNumber" TEXT,
    "closedTargetType" "TargetType" NOT NULL,
    "closedTargetId" UUID,
    "closedTargetNumber" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schedule_hours" (
    "id" UUID NOT NULL,
    "scheduleId" UUID NOT NULL,
    "dayOfWeek" INTEGER NOT NULL,
    "opens" TEXT NOT NULL,
    "closes" TEXT NOT NULL,

    CONSTRAINT "schedule_hours_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "schedule_holidays" (
    "id" UUID NOT NULL,
    "scheduleId" UUID NOT NULL,
    "date" TEXT NOT NULL,
    "name" TEXT,

    CONSTRAINT "schedule_holidays_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queues" (
    "id" UUID NOT NULL,
    "domainId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "extension" TEXT,
    "strategy" "QueueStrategy" NOT NULL DEFAULT 'LONGEST_IDLE',
    "agentTimeout" INTEGER NOT NULL DEFAULT 15,
    "maxWait" INTEGER NOT NULL DEFAULT 60,
    "overflowTargetType" "TargetType",
    "overflowTargetId" UUID,
    "overflowTargetNumber" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "queues_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "queue_members" (
    "queueId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "queue_members_pkey" PRIMARY KEY ("queueId","userId")
);

-- CreateTable
CREATE TABLE "admin_accounts" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "domainId" UUID,
    "totpSecretCiphertext" TEXT,
    "totpKeyId" TEXT,
    "totpEnabled" BOOLEAN NOT NULL DEFAULT false,
    "recoveryCodeHashes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "failedLogins" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "userId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "admin_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "domainId" UUID,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorRole" TEXT,
    "ip" TEXT,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT,
    "domainId" UUID,
    "before" JSONB,
    "after" JSONB,
    "requestId" TEXT,
    "traceId" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cdrs" (
    "id" UUID NOT NULL,
    "callId" TEXT NOT NULL,
    "domainId" UUID,
    "direction" TEXT NOT NULL,
    "caller" TEXT NOT NULL,
    "callerE164" TEXT,
    "callee" TEXT NOT NULL,
    "calleeE164" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "durationSec" INTEGER NOT NULL DEFAULT 0,
    "billableSec" INTEGER NOT NULL DEFAULT 0,
    "trunkId" UUID,
    "ruleId" UUID,
    "hangupCause" INTEGER,
    "hangupSide" TEXT,
    "codecs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "mediaQuality" JSONB,
    "recordingId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "cdrs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "domainId" UUID,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "key" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "statusCode" INTEGER NOT NULL,
    "responseBody" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "routing_epoch" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "routing_epoch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "domains_name_key" ON "domains"("name");

-- CreateIndex
CREATE UNIQUE INDEX "users_domainId_extension_key" ON "users"("domainId", "extension");

-- CreateIndex
CREATE UNIQUE INDEX "groups_domainId_name_key" ON "groups"("domainId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "groups_domainId_extension_key" ON "groups"("domainId", "extension");

-- CreateIndex
CREATE UNIQUE INDEX "numbers_e164_key" ON "numbers"("e164");

-- CreateIndex
CREATE INDEX "numbers_domainId_idx" ON "numbers"("domainId");

-- CreateIndex
CREATE UNIQUE INDEX "dial_plans_domainId_name_key" ON "dial_plans"("domainId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "dial_plan_rules_dialPlanId_position_key" ON "dial_plan_rules"("dialPlanId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "trunks_domainId_name_key" ON "trunks"("domainId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "emergency_numbers_domainId_number_key" ON "emergency_numbers"("domainId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "schedules_domainId_name_key" ON "schedules"("domainId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "schedule_holidays_scheduleId_date_key" ON "schedule_holidays"("scheduleId", "date");

-- CreateIndex
CREATE UNIQUE INDEX "queues_domainId_name_key" ON "queues"("domainId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "queues_domainId_extension_key" ON "queues"("domainId", "extension");

-- CreateIndex
CREATE UNIQUE INDEX "admin_accounts_email_key" ON "admin_accounts"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "audit_entries_hash_key" ON "audit_entries"("hash");

-- CreateIndex
CREATE INDEX "audit_entries_at_idx" ON "audit_entries"("at");

-- CreateIndex
CREATE INDEX "audit_entries_entityType_entityId_idx" ON "audit_entries"("entityType", "entityId");

-- CreateIndex
CREATE UNIQUE INDEX "cdrs_callId_key" ON "cdrs"("callId");

-- CreateIndex
CREATE INDEX "cdrs_startedAt_idx" ON "cdrs"("startedAt");

-- CreateIndex
CREATE INDEX "cdrs_domainId_startedAt_idx" ON "cdrs"("domainId", "startedAt");

-- CreateIndex
CREATE INDEX "outbox_events_publishedAt_createdAt_idx" ON "outbox_events"("publishedAt", "createdAt");

-- AddForeignKey
ALTER TABLE "domains" ADD CONSTRAINT "domains_defaultDialPlanId_fkey" FOREIGN KEY ("defaultDialPlanId") REFERENCES "dial_plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_dialPlanId_fkey" FOREIGN KEY ("dialPlanId") REFERENCES "dial_plans"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "groups" ADD CONSTRAINT "groups_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "numbers" ADD CONSTRAINT "numbers_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dial_plans" ADD CONSTRAINT "dial_plans_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dial_plan_rules" ADD CONSTRAINT "dial_plan_rules_dialPlanId_fkey" FOREIGN KEY ("dialPlanId") REFERENCES "dial_plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dial_plan_rule_trunks" ADD CONSTRAINT "dial_plan_rule_trunks_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "dial_plan_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dial_plan_rule_trunks" ADD CONSTRAINT "dial_plan_rule_trunks_trunkId_fkey" FOREIGN KEY ("trunkId") REFERENCES "trunks"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trunks" ADD CONSTRAINT "trunks_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emergency_numbers" ADD CONSTRAINT "emergency_numbers_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emergency_numbers" ADD CONSTRAINT "emergency_numbers_trunkId_fkey" FOREIGN KEY ("trunkId") REFERENCES "trunks"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_hours" ADD CONSTRAINT "schedule_hours_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "schedules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "schedule_holidays" ADD CONSTRAINT "schedule_holidays_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "schedules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queues" ADD CONSTRAINT "queues_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "domains"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_members" ADD CONSTRAINT "queue_members_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "queues"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "queue_members" ADD CONSTRAINT "queue_members_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "admin_accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;
