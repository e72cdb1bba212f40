-- The approval queue for red actions (lib/approvals, docs/adr/0010):
-- a guard files a request, an on-call approves or denies it, and an approval
-- is also stored as a signed `approval` record in "records".

-- CreateTable
CREATE TABLE "approval_requests" (
    "id" TEXT NOT NULL,
    "action_id" TEXT NOT NULL,
    "agent" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "action_class" TEXT NOT NULL,
    "args" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "parents" TEXT[],
    "authority" TEXT[],
    "status" TEXT NOT NULL,
    "filed_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "decidable_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" TEXT,
    "reason" TEXT,
    "approval_record_id" TEXT,
    "approval_record" JSONB,

    CONSTRAINT "approval_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "approval_requests_action_id_key" ON "approval_requests"("action_id");

-- CreateIndex
CREATE INDEX "approval_requests_status_expires_at_idx" ON "approval_requests"("status", "expires_at");

-- CreateIndex
CREATE INDEX "approval_requests_requested_at_idx" ON "approval_requests"("requested_at");
