/**
 * Errors the engine throws. Each names what went wrong so a rule author can fix the query
 * without reading the engine.
 */

/** The query uses LogQL that Loki accepts but this engine does not evaluate. */
export class UnsupportedQueryError extends Error {
  readonly construct: string;
  constructor(construct: string, detail?: string) {
    super(`unsupported LogQL construct: ${construct}${detail ? ` (${detail})` : ''}`);
    this.name = 'UnsupportedQueryError';
    this.construct = construct;
  }
}

/** The query does not parse; line and column are 1-based, like Loki's "parse error at line 1, col 7". */
export class LogQLSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(`parse error at line ${line}, col ${column}: ${message}`);
    this.name = 'LogQLSyntaxError';
    this.line = line;
    this.column = column;
  }
}

/**
 * A query that parses but fails while running, with Loki's message (for example
 * "pipeline error: 'JSONParserErr' for series ..."), so callers can match on the same text.
 */
export class LogQLExecutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogQLExecutionError';
  }
}
