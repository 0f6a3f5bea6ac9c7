-- CreateEnum
CREATE TYPE "RecordingStatus" AS ENUM ('ANNOUNCING', 'RECORDING', 'STORED', 'FAILED', 'PURGED');

-- CreateTable
CREATE TABLE "recordings" (
    "id" UUID NOT NULL,
    "callId" TEXT NOT NULL,
    "domainId" UUID,
    "status" "RecordingStatus" NOT NULL DEFAULT 'RECORDING',
    "trigger" TEXT NOT NULL,
    "consent" TEXT NOT NULL,
    "startedBy" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stoppedAt" TIMESTAMP(3),
    "codecs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "durationSec" INTEGER NOT NULL DEFAULT 0,
    "packets" INTEGER NOT NULL DEFAULT 0,
    "keyId" TEXT,
    "pcapFile" TEXT,
    "pcapBytes" INTEGER,
    "pcapSha256" TEXT,
    "wavFile" TEXT,
    "wavBytes" INTEGER,
    "wavSha256" TEXT,
    "retainUntil" TIMESTAMP(3),
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "recordings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "recordings_callId_idx" ON "recordings"("callId");

-- CreateIndex
CREATE INDEX "recordings_retainUntil_idx" ON "recordings"("retainUntil");
