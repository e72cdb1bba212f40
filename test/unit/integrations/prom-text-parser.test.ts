// The strict parser the /metrics tests rely on must itself refuse bad input.
import { describe, expect, it } from "vitest";
import { parsePrometheusText, valueOf } from "../../helpers/prom-text.ts";

describe("strict Prometheus text parser", () => {
  it("reads a well-formed exposition", () => {
    const text = [
      "# HELP up Whether it is up.",
      "# TYPE up gauge",
      'up{job="a",path="x\\\\y \\"q\\"\\n"} 1',
      "# TYPE req histogram",
      'req_bucket{le="0.1"} 1',
      'req_bucket{le="+Inf"} 2',
      "req_sum 0.3",
      "req_count 2",
      "",
    ].join("\n");
    const f = parsePrometheusText(text);
    expect(f.get("up")!.type).toBe("gauge");
    expect(valueOf(f, "up", { job: "a", path: 'x\\y "q"\n' })).toBe(1);
    expect(valueOf(f, "req_count")).toBe(2);
  });

  it.each([
    ["no final newline", "# TYPE a gauge\na 1"],
    ["bad metric name", "# TYPE 1a gauge\n"],
    ["bad escape", '# TYPE a gauge\na{l="\\x"} 1\n'],
    ["unterminated label", '# TYPE a gauge\na{l="x} 1\n'],
    ["duplicate series", "# TYPE a gauge\na 1\na 2\n"],
    ["split family", "# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x=\"1\"} 2\n"],
    ["TYPE after samples", "a 1\n# TYPE a gauge\n"],
    ["negative counter", "# TYPE c counter\nc -1\n"],
    ["bad value", "# TYPE a gauge\na one\n"],
    ["histogram without +Inf", '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ["histogram not cumulative", '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ["+Inf disagrees with _count", '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 2\n'],
    ["reserved label", '# TYPE a gauge\na{__x="1"} 1\n'],
  ])("refuses %s", (_name, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
