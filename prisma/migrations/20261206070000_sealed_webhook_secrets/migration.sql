-- Webhook URLs and signing secrets are sealed at rest (AES-256-GCM under a
-- key derived from the instance key; lib/integrations/webhooks/secret-box.ts).
-- SQL cannot seal (it has no key), so existing rows keep their plaintext in
-- the old columns until the first collector start with this version seals
-- them and clears the old columns (lib/integrations/webhooks/seal-legacy.ts).

-- AlterTable
ALTER TABLE "webhooks" ALTER COLUMN "url" DROP NOT NULL;
ALTER TABLE "webhooks" ADD COLUMN "url_display" TEXT;
ALTER TABLE "webhooks" ADD COLUMN "url_sealed" TEXT;
ALTER TABLE "webhooks" ADD COLUMN "secret_sealed" TEXT;
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_url_present" CHECK ("url" IS NOT NULL OR "url_sealed" IS NOT NULL);
