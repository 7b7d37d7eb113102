// Runs the install tests as named steps: each step's checks go to the Summary, its wall time to the Timings table.
import type { Summary } from '../check/summary.ts';
import { seconds, Timings } from './report.ts';

export type Log = (line: string) => void;

/** Records one check of the running step; `detail` says what was seen when it fails. */
export type Check = (ok: boolean, what: string, detail?: string) => void;

export class Steps {
  /** Per row: the step that failed and stops the row's later steps. */
  private readonly stoppedBy = new Map<string, string>();

  constructor(readonly summary: Summary, readonly timings: Timings, private readonly log: Log) {}

  /** A log function whose lines name the row, so parallel rows stay readable. */
  logFor(row: string): Log {
    return (line) => this.log(`[${row}] ${line}`);
  }

  /**
   * Runs `fn` as step `column` of `row`. A thrown error or a failed check fails the step. When a `blocking` step
   * fails (the default), the row's later steps are not run: each is recorded as skipped, never as passed. An
   * `always` step (a teardown) runs regardless.
   */
  async run(row: string, column: string, fn: (check: Check, log: Log) => Promise<void>, opts: { blocking?: boolean; always?: boolean } = {}): Promise<boolean> {
    const log = this.logFor(row);
    const stopped = this.stoppedBy.get(row);
    if (stopped && !opts.always) {
      this.skip(row, column, `not run: step "${stopped}" failed`);
      return false;
    }
    log(`${column} ...`);
    const started = Date.now();
    let ok = true;
    const check: Check = (passed, what, detail) => {
      this.summary.record(row, column, passed, detail ? `${what}: ${detail}` : what);
      log(`  ${passed ? 'ok  ' : 'FAIL'} ${what}${!passed && detail ? `: ${detail}` : ''}`);
      ok &&= passed;
    };
    try {
      await fn(check, log);
    } catch (error) {
      check(false, 'step did not complete', error instanceof Error ? error.message : String(error));
    }
    const ms = Date.now() - started;
    this.timings.record(row, column, ok ? 'ok' : 'FAIL', ms);
    log(`${column} ${ok ? 'passed' : 'FAILED'} in ${seconds(ms)}`);
    if (!ok && opts.blocking !== false) this.stoppedBy.set(row, column);
    return ok;
  }

  /** A step that cannot run here: shown as skipped, with the reason, in both tables. */
  skip(row: string, column: string, reason: string): void {
    this.summary.skip(row, column, reason);
    this.timings.record(row, column, 'skip', 0);
    this.logFor(row)(reason.startsWith(`${column} skipped`) ? reason : `${column} skipped: ${reason}`);
  }
}
