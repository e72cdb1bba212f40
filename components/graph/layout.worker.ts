// The force layout off the main thread: a thousand agents and ten thousand
// links take hundreds of milliseconds to settle, which would freeze pan and
// zoom. Positions stream back every few ticks so the graph draws at once and
// then settles; a newer request cancels the one running.
import { createLayout, type LayoutRequest } from "./layout-math.ts";

export interface LayoutMessage {
  generation: number;
  request: LayoutRequest;
}

export interface LayoutReply {
  generation: number;
  positions: Float64Array;
  done: boolean;
}

const TICKS_PER_POST = 15;
let current = 0;

function post(reply: LayoutReply): void {
  (self as unknown as { postMessage(m: unknown, transfer: Transferable[]): void }).postMessage(reply, [reply.positions.buffer]);
}

self.onmessage = (event: MessageEvent<LayoutMessage>) => {
  const { generation, request } = event.data;
  current = generation;
  const layout = createLayout(request);
  // The seeds first: the graph can be drawn before the first tick.
  post({ generation, positions: layout.positions(), done: false });
  const run = (): void => {
    if (generation !== current) return;
    const more = layout.step(TICKS_PER_POST);
    post({ generation, positions: layout.positions(), done: !more });
    // Yield between batches so a newer request can get in.
    if (more) setTimeout(run, 0);
  };
  setTimeout(run, 0);
};
