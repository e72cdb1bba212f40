import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/openapi.ts";

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
    expect(ops.sort()).toEqual(
      [
        "DELETE /api/v1/session",
        "GET /api/v1/agents",
        "GET /api/v1/agents/summary",
        "GET /api/v1/agents/{id}",
        "GET /api/v1/contracts",
        "GET /api/v1/contracts/{intent}",
        "GET /api/v1/edges",
        "GET /api/v1/openapi.json",
        "GET /api/v1/records",
        "GET /api/v1/records/{id}",
        "POST /api/v1/agents",
        "POST /api/v1/session",
        "PUT /api/v1/agents/{id}",
        "PUT /api/v1/contracts",
      ].sort(),
    );
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
