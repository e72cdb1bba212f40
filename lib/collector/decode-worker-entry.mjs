// Worker threads do not inherit the parent's TypeScript loader in every Node
// version, so each worker registers tsx itself before loading its code.
import { register } from "tsx/esm/api";

register();
await import("./decode-worker.ts");
