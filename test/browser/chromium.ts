/** Launches Debian's Chromium through playwright-core: never a browser downloaded by `npx playwright install`. */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Where Debian's `chromium` package puts the browser; `.ci/run` installs it. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

// Headless, and quiet: no update checks or sync traffic that would show up as outside requests.
const ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Starts Chromium; throws (so the test fails, never skips) when Debian's Chromium is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${JSON.stringify(CHROMIUM_PATH)}: the browser tests need Debian's chromium package ` +
        "(apt-get install chromium; .ci/run installs it). They never download a browser.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}
