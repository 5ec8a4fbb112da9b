/** Folders inside the store: made and checked without ever following a symlink, and safe against a racing delete. */
import { lstatSync, promises as fs, readdirSync, type Stats } from "node:fs";
import { UnsafePathError } from "../errors.js";

/** How often a folder that another process removes under us is made again before giving up. */
export const REMAKE_ATTEMPTS = 10;

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as NodeJS.ErrnoException).code === code;
}

/**
 * Makes a folder directly inside `root`, refusing a symlink (dangling ones too) or a file in its place.
 * Another process may remove the folder at any moment (its last version deleted), so it loops until it sees
 * a real folder; recursive mkdir is avoided since it fails with ENOENT in that race.
 */
export async function makeRealDir(dir: string, root: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const stat = await fs.lstat(dir).catch((err) => {
      if (isErrno(err, "ENOENT")) return undefined;
      throw err;
    });
    if (stat) {
      if (stat.isSymbolicLink()) throw new UnsafePathError(dir, "a folder inside the store is a symbolic link");
      if (!stat.isDirectory()) throw new UnsafePathError(dir, "not a folder");
      return;
    }
    if (attempt >= REMAKE_ATTEMPTS) throw new UnsafePathError(dir, "the folder keeps vanishing while it is made");
    try {
      await fs.mkdir(dir);
    } catch (err) {
      if (isErrno(err, "ENOENT")) await fs.mkdir(root, { recursive: true }); // the store itself is new
      else if (!isErrno(err, "EEXIST")) throw err;
    }
  }
}

/** Why a folder inside the store cannot be used (a symlink, not a folder), or null (also when it is missing). */
export async function dirProblem(dir: string): Promise<string | null> {
  return statProblem(await fs.lstat(dir).catch(() => undefined));
}

/** `dirProblem` of a folder's lstat (undefined: it could not be had). */
export function statProblem(stat: Stats | undefined): string | null {
  if (stat?.isSymbolicLink()) return "a folder inside the store is a symbolic link";
  if (stat && !stat.isDirectory()) return "not a folder";
  return null;
}

/** A folder's lstat, or undefined when it cannot be had (as `dirProblem` sees it). */
export function lstatOrUndefined(dir: string): Stats | undefined {
  try {
    return lstatSync(dir);
  } catch {
    return undefined;
  }
}

export async function assertRealDir(dir: string): Promise<void> {
  const problem = await dirProblem(dir);
  if (problem) throw new UnsafePathError(dir, problem);
}

/** The entries of a folder, or none when it (or a folder above it) does not exist. */
export async function readDirOrEmpty(dir: string) {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return [];
    throw err;
  }
}

/** `readDirOrEmpty` without the event loop. */
export function readDirOrEmptySync(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, "ENOENT") || isErrno(err, "ENOTDIR")) return [];
    throw err;
  }
}
