// Worker threads do not inherit the parent's TypeScript loader in every Node
// version, so the engine's thread registers tsx itself before loading its code.
import { register } from "tsx/esm/api";

register();
await import("./engine-worker.ts");
