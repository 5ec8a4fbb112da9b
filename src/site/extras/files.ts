/** A file the extras add to the site: its site-relative path and contents, written by the site writer. */
export interface SiteFile {
  path: string;
  data: string;
}
