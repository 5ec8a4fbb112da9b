/** The package-level functions: each call uses the store named by ARTIFACTS_DIR (or `.artifacts`) at that moment. */
import type {
  ArtifactRecord, ImageOptions, LinkOptions, MarkdownOptions, ProgressOptions, TableOptions, UpdateProgressOptions,
} from "../types.js";
import { defaultDir, openStore, type ArtifactStore } from "./client.js";

let cached: { dir: string; cwd: string; store: ArtifactStore } | undefined;

/** The default store, reopened when ARTIFACTS_DIR or the working directory changes. */
export function defaultStore(): ArtifactStore {
  const dir = defaultDir();
  const cwd = process.cwd();
  if (!cached || cached.dir !== dir || cached.cwd !== cwd) cached = { dir, cwd, store: openStore(dir) };
  return cached.store;
}

export const createLinkArtifact = (o: LinkOptions): Promise<string> => defaultStore().createLinkArtifact(o);
export const createMarkdownArtifact = (o: MarkdownOptions): Promise<string> => defaultStore().createMarkdownArtifact(o);
export const createTableArtifact = (o: TableOptions): Promise<string> => defaultStore().createTableArtifact(o);
export const createImageArtifact = (o: ImageOptions): Promise<string> => defaultStore().createImageArtifact(o);
export const createProgressArtifact = (o: ProgressOptions): Promise<string> => defaultStore().createProgressArtifact(o);
export const updateProgressArtifact = (o: UpdateProgressOptions): Promise<string> => defaultStore().updateProgressArtifact(o);

/** Prefect's `Artifact` class, as far as a client needs it. */
export const Artifact = {
  /** The newest version of `key` (last in version order), or undefined. */
  get(key: string): Promise<ArtifactRecord | undefined> {
    return defaultStore().get(key);
  },
};

/** Wraps `fn` so that each call is a flow run (recorded in the default store at call time). */
export function flow<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>) {
  const wrapped = (store: ArtifactStore) => store.flow(name, fn);
  wrapped(defaultStore()); // validates name and fn now
  return (...args: A) => wrapped(defaultStore())(...args);
}

/** Wraps `fn` so that each call is a task run inside the enclosing flow. */
export function task<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>) {
  const wrapped = (store: ArtifactStore) => store.task(name, fn);
  wrapped(defaultStore());
  return (...args: A) => wrapped(defaultStore())(...args);
}
