"use client";

import { useEffect, useRef, useState } from "react";
import type { GraphResponse } from "@/lib/api/graph-views.ts";
import { GRAPH_POSITIONS_KEY } from "./early-graph.ts";
import { seedPositions, startAlpha, type LayoutRequest, type Point } from "./layout-math.ts";
import type { LayoutMessage, LayoutReply } from "./layout.worker.ts";

// Positions survive refreshes (a ref) and reloads (sessionStorage): live
// polling must never reshuffle the graph under the analyst's eyes.
const STORAGE_KEY = GRAPH_POSITIONS_KEY;
const MAX_STORED = 5_000;

function loadStored(): Map<string, Point> {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return new Map();
    const obj = JSON.parse(raw) as Record<string, [number, number]>;
    return new Map(Object.entries(obj).filter(([, p]) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1])).map(([id, p]) => [id, { x: p[0], y: p[1] }]));
  } catch {
    return new Map();
  }
}

function store(cache: Map<string, Point>): void {
  try {
    const entries = [...cache.entries()].slice(-MAX_STORED).map(([id, p]) => [id, [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10]]);
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Storage full or off: positions last for this page only.
  }
}

/** Node ids and link pairs: a layout is only redone when these change, not when counts or states do. */
export function topologyKey(data: Pick<GraphResponse, "nodes" | "links">): string {
  return `${data.nodes.map((n) => n.id).join("\u0001")}\u0002${data.links.map((l) => `${l.sender}\u0000${l.receiver}`).join("\u0001")}`;
}

export interface GraphLayoutState {
  /** x, y per node in the data's order; null until the first positions arrive. */
  positions: Float64Array | null;
  /** Bumped for a new topology: the canvas fits the view to it. */
  topology: number;
  settling: boolean;
}

export function useGraphLayout(data: GraphResponse | undefined): GraphLayoutState {
  const worker = useRef<Worker | null>(null);
  const cache = useRef<Map<string, Point> | null>(null);
  const generation = useRef(0);
  const lastKey = useRef<string | null>(null);
  const appliedGen = useRef(0);
  const [state, setState] = useState<GraphLayoutState>({ positions: null, topology: 0, settling: false });

  useEffect(() => {
    return () => {
      worker.current?.terminate();
      worker.current = null;
    };
  }, []);

  useEffect(() => {
    if (!data) return;
    const key = topologyKey(data);
    if (key === lastKey.current) return;
    lastKey.current = key;
    cache.current ??= loadStored();
    const known = cache.current;
    const ids = data.nodes.map((n) => n.id);
    const index = new Map(ids.map((id, i) => [id, i]));
    const links: [number, number][] = [];
    for (const l of data.links) {
      const a = index.get(l.sender);
      const b = index.get(l.receiver);
      if (a !== undefined && b !== undefined && a !== b) links.push([a, b]);
    }
    const request: LayoutRequest = { ids, links, known: Object.fromEntries(ids.filter((id) => known.has(id)).map((id) => [id, known.get(id)!])) };
    const gen = ++generation.current;
    const apply = (positions: Float64Array, done: boolean) => {
      for (let i = 0; i < ids.length; i++) known.set(ids[i]!, { x: positions[2 * i]!, y: positions[2 * i + 1]! });
      if (done) store(known);
      setState((s) => ({ positions, topology: s.topology + (s.positions === null || gen !== appliedGen.current ? 1 : 0), settling: !done }));
      appliedGen.current = gen;
    };
    if (startAlpha(request) === 0) {
      const positions = new Float64Array(ids.length * 2);
      ids.forEach((id, i) => {
        const p = known.get(id)!;
        positions[2 * i] = p.x;
        positions[2 * i + 1] = p.y;
      });
      apply(positions, true);
      return;
    }
    if (!worker.current) {
      worker.current = new Worker(new URL("./layout.worker.ts", import.meta.url));
    }
    const w = worker.current;
    w.onmessage = (event: MessageEvent<LayoutReply>) => {
      if (event.data.generation !== generation.current) return;
      apply(event.data.positions, event.data.done);
    };
    const message: LayoutMessage = { generation: gen, request };
    w.postMessage(message);
    // Draw the starting points at once (cheap) instead of waiting for the worker to load and answer.
    const seeds = seedPositions(request);
    const first = new Float64Array(ids.length * 2);
    seeds.forEach((p, i) => {
      first[2 * i] = p.x;
      first[2 * i + 1] = p.y;
    });
    apply(first, false);
  }, [data]);

  return state;
}
