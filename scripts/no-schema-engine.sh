#!/bin/sh
echo "firebreak: the Prisma schema engine is not used; migrations run through lib/db/migrate.ts" >&2
exit 1
