/** Records what a page did that a test may forbid: console errors, uncaught exceptions, dialogs, requests. */
import type { BrowserContext, Page, Request } from "playwright-core";

export interface Watch {
  /** `console.error` messages, which include CSP violations ("Refused to …") and failed loads. */
  consoleErrors: string[];
  /** Uncaught exceptions of the page's own scripts. */
  pageErrors: string[];
  /** Every dialog (alert, confirm, prompt, beforeunload) with the page it fired on; each is dismissed. */
  dialogs: string[];
}

/** Starts watching `page`; the arrays fill as events arrive. */
export function watchPage(page: Page): Watch {
  const watch: Watch = { consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on("console", (msg) => {
    if (msg.type() === "error") watch.consoleErrors.push(`${page.url()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => watch.pageErrors.push(`${page.url()}: ${err.message}`));
  page.on("dialog", (dialog) => {
    watch.dialogs.push(`${page.url()}: ${dialog.type()} ${JSON.stringify(dialog.message())}`);
    void dialog.dismiss().catch(() => undefined);
  });
  return watch;
}

/** A request that left the machine (or tried to): it was recorded, then aborted. */
export interface OutsideRequest {
  url: string;
  resourceType: string;
  /** The page that asked for it. */
  from: string;
  navigation: boolean;
}

/** True for the URLs a built site may load: its own files, from disk or from the local static server. */
export function isLocalUrl(url: string): boolean {
  return url.startsWith("file://") || /^http:\/\/127\.0\.0\.1(?::\d+)?\//.test(url);
}

/**
 * Routes every request of `context`: local ones go through, every other one is recorded and aborted, so no test
 * ever reaches the network (and payload URLs like https://evil.example are never contacted).
 */
export async function fenceContext(context: BrowserContext): Promise<OutsideRequest[]> {
  const outside: OutsideRequest[] = [];
  await context.route("**/*", async (route) => {
    const request: Request = route.request();
    if (isLocalUrl(request.url())) {
      await route.continue();
      return;
    }
    let from = "?";
    try {
      from = request.frame().url();
    } catch {
      // Service-worker requests have no frame; there are none in the site.
    }
    outside.push({
      url: request.url(), resourceType: request.resourceType(), from, navigation: request.isNavigationRequest(),
    });
    await route.abort("blockedbyclient");
  });
  return outside;
}

/**
 * The rule for the XSS fixture: an outside `<img>` load is what the site does by design (public images, and
 * Markdown images the sanitizer keeps); every other outside request — fetch/XHR, script, style, frame, font,
 * navigation, beacon — can only come from injected markup or script, and fails the test.
 */
export function forbiddenRequests(outside: OutsideRequest[]): OutsideRequest[] {
  return outside.filter((r) => r.resourceType !== "image" || r.navigation);
}

/** Console errors a fenced page is expected to log: the aborted outside images. */
export function isBlockedLoadMessage(text: string): boolean {
  return /Failed to load resource: net::ERR_BLOCKED_BY_CLIENT/.test(text);
}

/**
 * Any failed load: aborted outside images, and relative URLs that user Markdown may keep (`<img src="x">`) which
 * 404. A failed load runs nothing; the XSS tests look at every other console error.
 */
export function isFailedLoadMessage(text: string): boolean {
  return /: Failed to load resource: /.test(text);
}
