-- CreateTable
CREATE TABLE "IdMapping" (
    "id" SERIAL NOT NULL,
    "resourceType" TEXT NOT NULL,
    "scimId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "upstreamId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "email" TEXT,
    "displayName" TEXT,
    "lastPushed" TEXT,
    "extra" TEXT,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProvisioningJob" (
    "id" SERIAL NOT NULL,
    "requestId" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "scimId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAfter" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimId" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "lastStatus" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProvisioningJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberSync" (
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberSync_pkey" PRIMARY KEY ("groupId","userId","target")
);

-- CreateTable
CREATE TABLE "Credential" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Credential_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "IdMapping_email_idx" ON "IdMapping"("email");

-- CreateIndex
CREATE INDEX "IdMapping_target_state_idx" ON "IdMapping"("target", "state");

-- CreateIndex
CREATE INDEX "IdMapping_upstreamId_idx" ON "IdMapping"("upstreamId");

-- CreateIndex
CREATE UNIQUE INDEX "IdMapping_resourceType_scimId_target_key" ON "IdMapping"("resourceType", "scimId", "target");

-- CreateIndex
CREATE INDEX "ProvisioningJob_target_state_runAfter_idx" ON "ProvisioningJob"("target", "state", "runAfter");

-- CreateIndex
CREATE INDEX "ProvisioningJob_resourceType_scimId_target_state_idx" ON "ProvisioningJob"("resourceType", "scimId", "target", "state");

-- CreateIndex
CREATE INDEX "ProvisioningJob_requestId_idx" ON "ProvisioningJob"("requestId");

-- CreateIndex
CREATE INDEX "MemberSync_groupId_target_state_idx" ON "MemberSync"("groupId", "target", "state");

-- CreateIndex
CREATE INDEX "MemberSync_userId_target_idx" ON "MemberSync"("userId", "target");

