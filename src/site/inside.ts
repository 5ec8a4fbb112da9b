import path from "node:path";

/**
 * Whether absolute path `child` is `parent` or lies inside it. A first segment that merely starts with `..`
 * (a folder named `..x`) is inside; only `..` itself, or `../…`, leaves.
 */
export function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
