// Which node labels fit: on a crowded graph, labels drawn wherever a node is
// big enough pile on top of each other into an unreadable smear. Labels are
// offered most important first; each takes its box only if no label placed
// before it overlaps it. A coarse grid of cells keeps the check cheap for a
// thousand labels.

export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class LabelSpace {
  private readonly cells = new Map<number, LabelBox[]>();

  constructor(private readonly cell = 64) {}

  /** Takes the box and says true when it overlaps no box taken before; false (and takes nothing) otherwise. */
  take(box: LabelBox): boolean {
    if (!(box.width > 0 && box.height > 0) || ![box.x, box.y, box.width, box.height].every(Number.isFinite)) return false;
    const keys = this.keysOf(box);
    for (const k of keys) for (const other of this.cells.get(k) ?? []) if (overlaps(box, other)) return false;
    for (const k of keys) {
      const list = this.cells.get(k);
      if (list) list.push(box);
      else this.cells.set(k, [box]);
    }
    return true;
  }

  private keysOf(b: LabelBox): number[] {
    const x0 = Math.floor(b.x / this.cell);
    const x1 = Math.floor((b.x + b.width) / this.cell);
    const y0 = Math.floor(b.y / this.cell);
    const y1 = Math.floor((b.y + b.height) / this.cell);
    const keys: number[] = [];
    // Cells keyed as one number; views are far smaller than 2^20 cells a side.
    for (let cx = x0; cx <= x1; cx++) for (let cy = y0; cy <= y1; cy++) keys.push((cx + 0x80000) * 0x100000 + (cy + 0x80000));
    return keys;
  }
}

export const overlaps = (a: LabelBox, b: LabelBox): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
