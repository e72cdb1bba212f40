-- Single sign-on through an OpenID Connect provider (docs/adr/0028-oidc-sign-in.md).
-- A user who signs in that way is found by (issuer, subject), never by name,
-- so a provider account can never take over a local account of the same name.

-- AlterTable
ALTER TABLE "users" ADD COLUMN "oidc_issuer" TEXT, ADD COLUMN "oidc_subject" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "users_oidc_issuer_oidc_subject_key" ON "users"("oidc_issuer", "oidc_subject");

-- CreateTable
CREATE TABLE "oidc_flows" (
    "id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "next_path" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "oidc_flows_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "oidc_flows_expires_at_idx" ON "oidc_flows"("expires_at");
