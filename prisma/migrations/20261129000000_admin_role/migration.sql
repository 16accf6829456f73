-- Staff act within their own team; an admin (the GRADLAB_ADMIN_* user) across teams.
-- AlterEnum
ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'admin';
