// Label values that come from data (record kinds, verdicts) must not grow
// the series count without bound: a sender inventing kinds would otherwise
// create a series per invention. The first `max` distinct values keep their
// name; later ones, and anything not shaped like an identifier, are `other`.

export const OTHER = "other";

export class BoundedLabel {
  private readonly seen = new Set<string>();
  /** `other` may be changed where `other` is itself a legal value (a project may be called that). */
  constructor(
    private readonly max: number,
    private readonly other: string = OTHER,
  ) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (value === this.other) return this.other;
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value) || this.seen.size >= this.max) return this.other;
    this.seen.add(value);
    return value;
  }
}
