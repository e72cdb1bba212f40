import { GLYPHS, type GlyphName } from "./glyphs.ts";

/** A graph glyph as inline SVG: the same outline the canvas draws. */
export function Glyph({ name, className, title }: { name: GlyphName; className?: string; title?: string }) {
  const g = GLYPHS[name];
  return (
    <svg
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      aria-hidden={title ? undefined : true}
      role={title ? "img" : undefined}
    >
      {title ? <title>{title}</title> : null}
      {g.fill ? <path d={g.fill} fill="currentColor" stroke="none" /> : null}
      <path d={g.stroke} />
    </svg>
  );
}

/** A short sample of a link's dash pattern, for the legend and the lists. */
export function DashSample({ dash, className, width = 3.5 }: { dash: readonly number[]; className?: string; width?: number }) {
  return (
    <svg viewBox="0 0 36 8" width="36" height="8" className={className} aria-hidden>
      <line x1="1" y1="4" x2="35" y2="4" stroke="currentColor" strokeWidth={width} strokeDasharray={dash.length > 0 ? dash.join(" ") : undefined} />
    </svg>
  );
}
