import type { BreakerStateName } from "@/lib/engine/breaker/states.ts";
import { Glyph } from "../graph/glyph.tsx";
import { BREAKER_STYLES } from "../graph/style-math.ts";
import { TONE_CLASSES } from "../ui/tone.tsx";
import { CheckIcon } from "../ui/icons.tsx";
import { isBreakerState } from "./fleet-style.ts";

/** A breaker state as icon + word on its tone, for places with no countdown (history rows, counts). Unknown states read as their name. */
export function StateWord({ state }: { state: string }) {
  if (!isBreakerState(state)) return <span className="rounded-md bg-neutral-soft px-1.5 py-0.5 font-mono text-xs">{state}</span>;
  const s = BREAKER_STYLES[state as BreakerStateName];
  return (
    <span data-breaker={state} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-md px-1.5 py-0.5 text-xs font-medium ${TONE_CLASSES[s.tone]}`}>
      {s.icon ? <Glyph name={s.icon} className="shrink-0" /> : <CheckIcon className="shrink-0" />}
      {s.word}
    </span>
  );
}
