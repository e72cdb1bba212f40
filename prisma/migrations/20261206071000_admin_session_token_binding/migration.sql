-- A session signed in with the admin token (FIREBREAK_TOKEN) is bound to
-- that token: rotating the token ends every session it opened. Sessions
-- from before this migration have no binding and end at their next request.

-- AlterTable
ALTER TABLE "user_sessions" ADD COLUMN "token_binding" TEXT;
