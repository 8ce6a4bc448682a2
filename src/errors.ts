/**
 * Errors a user can cause, each with a stable code and a one-line message. The
 * CLI prints `tracelog: <message>` and exits with the code's status; nothing
 * else ever reaches the user as a stack trace.
 */

export const EXIT_OK = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_USAGE = 2;

export type ErrorCode =
  | 'tracelog.usage'
  | 'tracelog.unreadableFile'
  | 'tracelog.strict'
  | 'tracelog.invalidDuration'
  | 'tracelog.invalidField'
  | 'tracelog.invalidConfig'
  | 'tracelog.output'
  | 'tracelog.send'
  | 'tracelog.interrupted'
  /** Inside parallel/ only: the input needs the plain one-thread reader (share.ts, ends.ts). */
  | 'tracelog.oneThread';

export class TracelogError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}
