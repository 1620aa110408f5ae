-- CreateTable
CREATE TABLE "ScimUser" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userName" TEXT NOT NULL,
    "userNameLower" TEXT NOT NULL,
    "externalId" TEXT,
    "displayName" TEXT,
    "emailLower" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "data" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ScimGroup" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "displayName" TEXT NOT NULL,
    "displayNameLower" TEXT NOT NULL,
    "externalId" TEXT,
    "data" TEXT NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "GroupMember" (
    "groupId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("groupId", "userId"),
    CONSTRAINT "GroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "ScimGroup" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "ScimUser" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'cli',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requestId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "tokenId" TEXT,
    "method" TEXT,
    "path" TEXT,
    "resourceType" TEXT,
    "resourceId" TEXT,
    "status" INTEGER,
    "target" TEXT,
    "durationMs" INTEGER,
    "attempt" INTEGER,
    "detail" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "ScimUser_userNameLower_key" ON "ScimUser"("userNameLower");

-- CreateIndex
CREATE INDEX "ScimUser_externalId_idx" ON "ScimUser"("externalId");

-- CreateIndex
CREATE INDEX "ScimUser_emailLower_idx" ON "ScimUser"("emailLower");

-- CreateIndex
CREATE INDEX "ScimUser_createdAt_idx" ON "ScimUser"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScimGroup_displayNameLower_key" ON "ScimGroup"("displayNameLower");

-- CreateIndex
CREATE INDEX "ScimGroup_externalId_idx" ON "ScimGroup"("externalId");

-- CreateIndex
CREATE INDEX "GroupMember_userId_idx" ON "GroupMember"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "AuditEvent_requestId_idx" ON "AuditEvent"("requestId");

-- CreateIndex
CREATE INDEX "AuditEvent_resourceId_idx" ON "AuditEvent"("resourceId");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

