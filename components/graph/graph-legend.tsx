import { TONE_TEXT } from "../ui/tone.tsx";
import { DashSample, Glyph } from "./glyph.tsx";
import { BREAKER_STYLES, LOCK_STYLES, MAX_LINK_WIDTH, MIN_LINK_WIDTH, STATE_SEVERITY } from "./style-math.ts";

const STATES = Object.values(BREAKER_STYLES).sort((a, b) => STATE_SEVERITY[a.state] - STATE_SEVERITY[b.state]);

/** Every colour, dash and icon on the graph, in words. */
export function GraphLegend() {
  return (
    <section aria-labelledby="graph-legend-title" data-testid="graph-legend" className="rounded-xl border border-line bg-panel px-4 py-3 text-xs shadow-sm">
      <h2 id="graph-legend-title" className="mb-2 text-sm font-semibold">
        Legend
      </h2>
      <div className="grid gap-x-6 gap-y-3 md:grid-cols-2 xl:grid-cols-4">
        <div>
          <h3 className="mb-1 font-semibold text-muted uppercase">Breaker on a link</h3>
          <ul className="space-y-1">
            {STATES.map((s) => (
              <li key={s.state} className="flex items-center gap-2">
                <DashSample dash={s.dash} className={TONE_TEXT[s.tone]} />
                <span className={`w-4 ${TONE_TEXT[s.tone]}`}>{s.icon ? <Glyph name={s.icon} /> : null}</span>
                <span>
                  <b>{s.word}</b>: {s.looks}; {s.meaning}
                </span>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3 className="mb-1 font-semibold text-muted uppercase">Lock: verification</h3>
          <ul className="space-y-1">
            {Object.values(LOCK_STYLES).map((l) => (
              <li key={l.kind} className="flex items-center gap-2">
                <Glyph name={l.glyph} className={TONE_TEXT[l.tone]} />
                <span>
                  <b>{l.word}</b>: {l.looks} ({l.kind === "solid" ? "green" : l.kind === "hollow" ? "amber" : "red"})
                </span>
              </li>
            ))}
            <li className="text-muted">Locks show when zoomed in; broken locks always.</li>
          </ul>
        </div>
        <div>
          <h3 className="mb-1 font-semibold text-muted uppercase">Agents</h3>
          <ul className="space-y-1">
            <li className="flex items-center gap-2">
              <Glyph name="shield-off" className={TONE_TEXT.warn} />
              <span>
                <b>Unattested</b>: no registrar vouches for it; dashed amber rim
              </span>
            </li>
            <li className="flex items-center gap-2">
              <Glyph name="question" className={TONE_TEXT.bad} />
              <span>
                <b>Unregistered</b>: sends but is not in the registry; dashed red rim
              </span>
            </li>
            <li className="flex items-center gap-2">
              <Glyph name="octagon-x" className={TONE_TEXT.bad} />
              <span>
                <b>Killed</b>: every outgoing link forced open; filled red with a cross
              </span>
            </li>
            <li className="text-muted">Bigger disc: more messages sent and received.</li>
          </ul>
        </div>
        <div>
          <h3 className="mb-1 font-semibold text-muted uppercase">Links</h3>
          <ul className="space-y-1">
            <li className="flex items-center gap-2">
              <DashSample dash={[]} width={MIN_LINK_WIDTH} className="text-neutral" />
              <span>to</span>
              <DashSample dash={[]} width={MAX_LINK_WIDTH} className="text-neutral" />
              <span>width: messages in the window</span>
            </li>
            <li>An arrowhead points to the receiver; two agents that message each other get two lines side by side.</li>
            <li className="text-muted">Selected: orange. Faded: outside the selection.</li>
          </ul>
        </div>
      </div>
    </section>
  );
}
