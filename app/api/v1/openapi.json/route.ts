import { route } from "@/lib/api/handler.ts";
import { openApiDocument } from "@/lib/api/openapi.ts";

// GET /api/v1/openapi.json — the OpenAPI 3.1 description of /api/v1
export const GET = route({ auth: "none" }, () => openApiDocument());
