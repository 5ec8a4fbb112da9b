// The site builder and watch mode as a library (`import { buildSite } from "artifact-press/site"`): re-exports
// only. A separate entry so that jobs which only write artifacts never load marked, eta or chokidar.
export { buildSite } from "./build.js";
export type { BuildOptions, BuildResult } from "./build.js";
export { startWatchSession } from "../watch/session.js";
export type { WatchSession, WatchSessionOptions } from "../watch/session.js";
