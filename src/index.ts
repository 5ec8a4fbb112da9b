// The public API: re-exports only. The site builder has its own entry, `artifact-press/site` (src/site/index.ts).
export {
  createLinkArtifact, createMarkdownArtifact, createTableArtifact, createImageArtifact, createProgressArtifact,
  updateProgressArtifact, Artifact, flow, task, defaultStore,
} from "./artifacts/default.js";
export { ArtifactStore, openStore } from "./artifacts/client.js";
export type { KeySummary, OpenStoreOptions } from "./artifacts/client.js";
export { FsStore } from "./store/fs-store.js";
export type { FsStoreOptions } from "./store/fs-store.js";
export type { StoreBackend, StoreProblem, ProblemSink, Attachment } from "./store/backend.js";
export type { Checked } from "./store/validate.js";
export { isValidKey, isValidRunId, isUuid } from "./store/rules.js";
export { checkArtifactRecord, checkRunRecord } from "./store/validate.js";
export {
  ArtifactPressError, InvalidArtifactError, InvalidKeyError, ArtifactTooLargeError, UnsafePathError,
  InvalidRecordError, ArtifactNotFoundError, BuildError, UsageError, CliError, MarkdownError,
} from "./errors.js";
export { ARTIFACT_TYPES, DEFAULT_LIMITS, FORMAT_VERSION } from "./types.js";
export type {
  ArtifactRecord, ArtifactType, MarkdownArtifact, LinkArtifact, ImageArtifact, TableArtifact, ProgressArtifact,
  ImageData, ImageMediaType, TableData, JsonValue, RunRecord, RunKind, RunState, Limits, ArtifactDraft,
  LinkOptions, MarkdownOptions, TableOptions, TableInput, ImageOptions, ProgressOptions, UpdateProgressOptions,
} from "./types.js";
