// Wall time of every install-test step, as one table: rows = preset (or case), columns = steps.

export type StepOutcome = 'ok' | 'FAIL' | 'skip';

interface Entry {
  outcome: StepOutcome;
  ms: number;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export class Timings {
  private readonly entries = new Map<string, Map<string, Entry>>();
  private readonly rows: string[] = [];
  private readonly columns: string[] = [];

  record(row: string, column: string, outcome: StepOutcome, ms: number): void {
    if (!this.rows.includes(row)) this.rows.push(row);
    if (!this.columns.includes(column)) this.columns.push(column);
    let byColumn = this.entries.get(row);
    if (!byColumn) this.entries.set(row, (byColumn = new Map()));
    byColumn.set(column, { outcome, ms });
  }

  /** Total wall time of one row's steps. */
  total(row: string): number {
    return [...(this.entries.get(row)?.values() ?? [])].reduce((sum, e) => sum + e.ms, 0);
  }

  /** `12.3s` for a passed step, `FAIL 12.3s`, `skip`; `-` where a row has no such step. Last column: the row's total. */
  table(): string {
    const text = (e: Entry | undefined) => (!e ? '-' : e.outcome === 'skip' ? 'skip' : e.outcome === 'ok' ? seconds(e.ms) : `FAIL ${seconds(e.ms)}`);
    const header = ['', ...this.columns, 'total'];
    const body = this.rows.map((row) => [row, ...this.columns.map((c) => text(this.entries.get(row)?.get(c))), seconds(this.total(row))]);
    const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => (r[i] ?? '').length)));
    const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  }
}
