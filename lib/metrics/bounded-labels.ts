// Label values that come from data (record kinds, verdicts) must not grow
// the series count without bound: a sender inventing kinds would otherwise
// create a series per invention. The first `max` distinct values keep their
// name; later ones, and anything not shaped like an identifier, are `other`.

export const OTHER = "other";

export class BoundedLabel {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value) || this.seen.size >= this.max) return OTHER;
    this.seen.add(value);
    return value;
  }
}
