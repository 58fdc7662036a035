// The exit codes of every `logward` command (documented in README.md "Exit codes").
export const exitCodes = {
  /** Success: no findings, all tests pass, no alert fired, in sync. */
  ok: 0,
  /** Findings: lint problems, failed rule tests, alerts found by scan, differences found by diff. */
  findings: 1,
  /** Usage error: unknown command or option, missing argument. */
  usage: 2,
  /** A local file or directory could not be read (missing, permission denied, not a file). */
  io: 3,
  /** The Loki API could not be reached or answered with an error. */
  remote: 4,
  /** A logward bug (an unexpected exception); the message asks to report it. */
  internal: 70,
} as const;

/** Thrown for bad command lines; main prints the message and the command's usage line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Thrown when a file cannot be read; the message names the path and the system's reason. */
export class InputError extends Error {
  override name = 'InputError';
}
