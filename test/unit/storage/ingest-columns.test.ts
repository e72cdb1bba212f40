import { describe, expect, it } from "vitest";
import { edgeColumns, pgArray, spanColumns } from "@/lib/db/ingest-columns.ts";
import { packBatch } from "@/lib/collector/decode-job.ts";
import { recordRow, spanOf } from "../../integration/lineage/lineage-fixtures.ts";

describe("pgArray", () => {
  it("quotes every element and escapes only quotes and backslashes", () => {
    expect(pgArray([])).toBe("{}");
    expect(pgArray(["a", "", "NULL", null])).toBe('{"a","","NULL",NULL}');
    expect(pgArray(['say "hi"', "C:\\dir", "{x,y}", "ünï ✓"])).toBe('{"say \\"hi\\"","C:\\\\dir","{x,y}","ünï ✓"}');
  });

  it("nests: an array column travels as array literals inside one", () => {
    expect(pgArray([pgArray(["p1", "p2"]), pgArray([])])).toBe('{"{\\"p1\\",\\"p2\\"}","{}"}');
  });
});

describe("batch columns", () => {
  it("keeps span order and serialises attributes as JSON", () => {
    const a = recordRow("a");
    const b = recordRow("b");
    const cols = spanColumns([{ ...spanOf(a, 2), attributes: { "http.method": "GET", n: 1 } }, { ...spanOf(b, 1), parentSpanId: a.spanId }]);
    expect(cols.spanId).toBe(`{"${a.spanId}","${b.spanId}"}`);
    expect(cols.parentSpanId).toBe(`{NULL,"${a.spanId}"}`);
    expect(cols.attributes).toBe('{"{\\"http.method\\":\\"GET\\",\\"n\\":1}","{}"}');
  });

  it("lists each declared edge once, empty ids dropped", () => {
    const e = edgeColumns([recordRow("c", { parents: ["p", "p", ""], authority: ["r"] }), recordRow("d")]);
    expect(e).toEqual({ count: 2, child: '{"c","c"}', parent: '{"p","r"}', kind: '{"parent","authority"}' });
  });

  it("orders records by when their span was sent, ties and span-less records in batch order", () => {
    const [x, y, z, w] = [recordRow("x"), recordRow("y"), recordRow("z"), recordRow("w")];
    const batch = packBatch([spanOf(x, 5), spanOf(y, 1), spanOf(z, 1)], [x!, y!, z!, w!], []);
    expect(batch.sendingOrder).toEqual([1, 2, 0, 3]);
    expect(batch.spanCount).toBe(3);
    expect(packBatch([], [], []).spans).toBeNull();
  });
});
