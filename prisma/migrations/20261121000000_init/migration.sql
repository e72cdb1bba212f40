-- CreateTable
CREATE TABLE "agents" (
    "id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "capabilities" JSONB NOT NULL DEFAULT '[]',
    "memory" JSONB NOT NULL DEFAULT '{"read":[],"write":[]}',
    "protocols" JSONB NOT NULL DEFAULT '{}',
    "version" TEXT,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "attested" BOOLEAN NOT NULL DEFAULT false,
    "attestation" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_keys" (
    "agent_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "not_before" TIMESTAMPTZ(3),
    "not_after" TIMESTAMPTZ(3),

    CONSTRAINT "agent_keys_pkey" PRIMARY KEY ("agent_id","key_id")
);

-- CreateTable
CREATE TABLE "contracts" (
    "intent" TEXT NOT NULL,
    "schema" JSONB NOT NULL,
    "description" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contracts_pkey" PRIMARY KEY ("intent")
);

-- CreateTable
CREATE TABLE "spans" (
    "seq" BIGSERIAL NOT NULL,
    "trace_id" CHAR(32) NOT NULL,
    "span_id" CHAR(16) NOT NULL,
    "parent_span_id" CHAR(16),
    "name" TEXT NOT NULL,
    "span_kind" INTEGER NOT NULL,
    "start_ns" BIGINT NOT NULL,
    "end_ns" BIGINT NOT NULL,
    "service_name" TEXT,
    "attributes" JSONB NOT NULL,
    "status_code" INTEGER NOT NULL,
    "content_hash" CHAR(64) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spans_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "records" (
    "seq" BIGSERIAL NOT NULL,
    "record_id" TEXT NOT NULL,
    "trace_id" CHAR(32) NOT NULL,
    "span_id" CHAR(16) NOT NULL,
    "content_hash" CHAR(64) NOT NULL,
    "kind" TEXT NOT NULL,
    "agent" TEXT NOT NULL,
    "receivers" TEXT[],
    "intent" TEXT,
    "protocol" TEXT,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "nonce" TEXT,
    "payload" TEXT,
    "parents" TEXT[],
    "authority" TEXT[],
    "action_class" TEXT,
    "signature" TEXT,
    "key_id" TEXT,
    "verdicts" TEXT[],
    "verdict_details" JSONB NOT NULL,
    "verified" BOOLEAN NOT NULL,
    "pending_on" TEXT[],
    "pending_since" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "records_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "nonces" (
    "agent" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "trace_id" CHAR(32) NOT NULL,
    "span_id" CHAR(16) NOT NULL,
    "content_hash" CHAR(64) NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "nonces_pkey" PRIMARY KEY ("agent","nonce")
);

-- CreateIndex
CREATE INDEX "spans_received_at_idx" ON "spans"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "spans_trace_id_span_id_content_hash_key" ON "spans"("trace_id", "span_id", "content_hash");

-- CreateIndex
CREATE INDEX "records_record_id_idx" ON "records"("record_id");

-- CreateIndex
CREATE INDEX "records_agent_ts_idx" ON "records"("agent", "ts");

-- CreateIndex
CREATE INDEX "records_kind_ts_idx" ON "records"("kind", "ts");

-- CreateIndex
CREATE INDEX "records_intent_ts_idx" ON "records"("intent", "ts");

-- CreateIndex
CREATE INDEX "records_ts_idx" ON "records"("ts");

-- CreateIndex
CREATE INDEX "records_verdicts_idx" ON "records" USING GIN ("verdicts");

-- CreateIndex
CREATE UNIQUE INDEX "records_trace_id_span_id_content_hash_key" ON "records"("trace_id", "span_id", "content_hash");

-- AddForeignKey
ALTER TABLE "agent_keys" ADD CONSTRAINT "agent_keys_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Not expressible in schema.prisma: the settler scans only records still
-- waiting, which are few; a partial index keeps that scan tiny.
CREATE INDEX "records_pending_idx" ON "records"("pending_since") WHERE cardinality("pending_on") > 0;
