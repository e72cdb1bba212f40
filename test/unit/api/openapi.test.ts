import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { openApiDocument } from "@/lib/api/openapi.ts";

const API_DIR = path.join(process.cwd(), "app", "api", "v1");

/** "METHOD /api/v1/path/{param}" for every handler exported by a route.ts under app/api/v1. */
function routeOperations(): string[] {
  const out: string[] = [];
  const stack = [API_DIR];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.name === "route.ts") {
        const rel = path.relative(API_DIR, dir).split(path.sep).map((part) => part.replace(/^\[(.+)\]$/, "{$1}"));
        const url = ["/api/v1", ...rel.filter(Boolean)].join("/");
        for (const m of readFileSync(full, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) out.push(`${m[1]} ${url}`);
      }
    }
  }
  return out;
}

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
}

const doc = openApiDocument() as unknown as Doc;

function refs(value: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...(node as unknown[]));
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (k === "$ref" && typeof v === "string") out.push(v);
        else stack.push(v);
      }
    }
  }
  return out;
}

describe("openapi.json", () => {
  it("is OpenAPI 3.1 and covers every /api/v1 route and method", () => {
    expect(doc.openapi).toBe("3.1.0");
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    // The routes as the app defines them: every route.ts under app/api/v1 and the methods it exports.
    expect(ops.sort()).toEqual(routeOperations().sort());
    expect(ops).toEqual(expect.arrayContaining(["GET /api/v1/records", "POST /api/v1/breakers/operate", "GET /api/v1/lineage/origin", "POST /api/v1/incidents/{id}/resolve"]));
  });

  it("has unique operation ids and only $refs that resolve", () => {
    const ids = Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const ref of refs(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined();
    }
  });

  it("documents the records filters and path parameters from the zod schemas", () => {
    const params = doc.paths["/api/v1/records"]?.get?.parameters?.map((p) => p.name);
    expect(params).toEqual(["agent", "kind", "intent", "verdict", "from", "to", "cursor", "limit"]);
    expect(doc.paths["/api/v1/records/{id}"]?.get?.parameters).toEqual([expect.objectContaining({ name: "id", in: "path", required: true })]);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["RecordView", "RecordsPage", "EdgesResponse", "AgentsSummaryResponse", "AgentInput", "AgentView", "ContractInput", "ContractView", "Error"]));
  });

  it("is built once", () => {
    expect(openApiDocument()).toBe(openApiDocument());
  });
});
