// Icon outlines as SVG path data on a 24-unit grid: the canvas draws them
// with Path2D and the legend and lists render the same data as <svg>, so
// what the legend explains is exactly what the graph shows.

export type GlyphName = "half-circle" | "circle-slash" | "octagon-x" | "eye" | "lock-solid" | "lock-hollow" | "lock-broken" | "shield-off" | "question";

export interface Glyph {
  /** Stroked outline. */
  stroke: string;
  /** Filled part, if any. */
  fill?: string;
}

export const GLYPHS: Record<GlyphName, Glyph> = {
  // Half-open: half a circle filled, the other half empty.
  "half-circle": { stroke: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z", fill: "M12 3a9 9 0 0 0 0 18z" },
  // Open: a circle with a bar through it.
  "circle-slash": { stroke: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM5.6 5.6l12.8 12.8" },
  // Forced open (kill switch): a stop sign with a cross.
  "octagon-x": { stroke: "M8.5 2.5h7l6 6v7l-6 6h-7l-6-6v-7zM9 9l6 6M15 9l-6 6" },
  // Dry run: watching only.
  eye: { stroke: "M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12zM12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6z" },
  "lock-solid": { stroke: "M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4", fill: "M5 11h14v10H5z" },
  "lock-hollow": { stroke: "M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4M12 15v2" },
  // Broken: the shackle is open and the body is split.
  "lock-broken": { stroke: "M5 11h6l-1 4 2 2-1 4H5zM13 11h6v10h-6l1-4-2-2zM8 11V7a4 4 0 0 1 7.5-2" },
  "shield-off": { stroke: "M12 3 4.5 6v5.5c0 4.6 3.2 8.3 7.5 9.5 4.3-1.2 7.5-4.9 7.5-9.5V6zM12 8v4M12 16h.01" },
  question: { stroke: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14M12 17h.01" },
};
