/** A yes/no question on the terminal; anything but y/yes (Enter included) is no. */
import { createInterface } from "node:readline/promises";

export async function confirm(question: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: Boolean(input.isTTY) });
  try {
    const answer = await new Promise<string>((resolve) => {
      // Ctrl-D / a closed terminal answers no.
      rl.once("close", () => resolve(""));
      rl.question(`${question} [y/N] `).then(resolve, () => resolve(""));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}
