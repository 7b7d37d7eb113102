// One summary table for a check run: rows are charts or presets, columns are checks.

export interface Cell {
  passed: number;
  failed: number;
  /** Checks that could not run, each with its reason: shown as such, never as passed. */
  skipped: string[];
  details: string[];
}

export class Summary {
  private readonly cells = new Map<string, Map<string, Cell>>();
  private readonly columns: string[] = [];
  private readonly rows: string[] = [];

  constructor(columns: string[]) {
    this.columns.push(...columns);
  }

  private cell(row: string, column: string): Cell {
    if (!this.columns.includes(column)) this.columns.push(column);
    if (!this.rows.includes(row)) this.rows.push(row);
    let byColumn = this.cells.get(row);
    if (!byColumn) this.cells.set(row, (byColumn = new Map()));
    let cell = byColumn.get(column);
    if (!cell) byColumn.set(column, (cell = { passed: 0, failed: 0, skipped: [], details: [] }));
    return cell;
  }

  /** Records a check that could not run, and why. */
  skip(row: string, column: string, reason: string): void {
    this.cell(row, column).skipped.push(reason);
  }

  /** Records one check of `row` under `column`; `detail` says what failed and where. */
  record(row: string, column: string, ok: boolean, detail?: string): void {
    const cell = this.cell(row, column);
    if (ok) cell.passed++;
    else {
      cell.failed++;
      if (detail) cell.details.push(detail);
    }
  }

  /** Checks passed and failed over the whole table. */
  totals(): { passed: number; failed: number; skipped: number } {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const byColumn of this.cells.values()) for (const c of byColumn.values()) (passed += c.passed), (failed += c.failed), (skipped += c.skipped.length);
    return { passed, failed, skipped };
  }

  skips(): string[] {
    return this.rows.flatMap((row) => this.columns.flatMap((column) => (this.cells.get(row)?.get(column)?.skipped ?? []).map((r) => `[${row} / ${column}] ${r}`)));
  }

  get failed(): boolean {
    return [...this.cells.values()].some((m) => [...m.values()].some((c) => c.failed > 0));
  }

  failures(): string[] {
    const out: string[] = [];
    for (const row of this.rows) {
      for (const column of this.columns) {
        const cell = this.cells.get(row)?.get(column);
        for (const d of cell?.details ?? []) out.push(`[${row} / ${column}] ${d}`);
      }
    }
    return out;
  }

  table(): string {
    const text = (cell: Cell | undefined) => {
      if (!cell) return '-';
      const total = cell.passed + cell.failed;
      const skipped = cell.skipped.length ? ` skip ${cell.skipped.length}` : '';
      if (cell.failed) return `FAIL ${cell.failed}/${total}${skipped}`;
      return total ? `ok ${total}${skipped}` : `skip ${cell.skipped.length}`;
    };
    const header = ['', ...this.columns];
    const body = this.rows.map((row) => [row, ...this.columns.map((c) => text(this.cells.get(row)?.get(c)))]);
    const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => (r[i] ?? '').length)));
    const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
    return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  }

  /**
   * Prints failures, skips with their reasons, any extra sections, the table and the closing lines
   * (`checks: N passed, N failed, N skipped`); returns the exit code.
   */
  print(started: number, sections: string[] = []): number {
    const list = (title: string, items: string[]) => items.length && console.log(`\n${title} (${items.length}):\n${items.map((i) => `  - ${i}`).join('\n')}`);
    list('Failures', this.failures());
    list('Skipped, with the reason', this.skips());
    for (const section of sections) console.log(`\n${section}`);
    console.log(`\n${this.table()}\n`);
    const { passed, failed, skipped } = this.totals();
    console.log(`${this.failed ? 'FAILED' : 'PASSED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`checks: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    return this.failed ? 1 : 0;
  }
}
