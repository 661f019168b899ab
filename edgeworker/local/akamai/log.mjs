// Stand-in for the EdgeWorkers `log` built-in. Lines are kept in memory (for tests) and,
// when EW_LOG=stdout, printed. Supports the `%s`/`%d`/`%o` placeholders logger.log accepts.
import { format } from 'node:util';

/** Lines logged so far (tests may inspect and clear this array). */
export const lines = [];
const MAX_LINES = 10_000;

export const logger = {
  log(fmt, ...args) {
    const line = format(fmt, ...args);
    if (lines.length >= MAX_LINES) lines.shift();
    lines.push(line);
    if (process.env.EW_LOG === 'stdout') process.stdout.write(`EW_LOG ${line}\n`);
  },
};
