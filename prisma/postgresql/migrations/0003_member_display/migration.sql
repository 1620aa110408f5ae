-- AlterTable
ALTER TABLE "GroupMember" ADD COLUMN     "display" TEXT;

