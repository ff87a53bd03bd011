/** A row as the CLI prints it: the same keys in the table's header and in `--json`. */
export type Row = { [key: string]: unknown };

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(cell).join(",");
  if (typeof value === "object")
    return Object.values(value as object)
      .map(cell)
      .join("/");
  return String(value);
}

/** Columns padded to their widest value, a header of the keys; or the rows as a JSON array. */
export function printRows(rows: readonly object[], columns: string[], json: boolean | undefined): void {
  if (json) {
    const picked = rows.map((row) =>
      Object.fromEntries(columns.map((column) => [column, (row as Row)[column] ?? null])),
    );
    process.stdout.write(`${JSON.stringify(picked, null, 2)}\n`);
    return;
  }
  const cells = rows.map((row) => columns.map((column) => cell((row as Row)[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => (line[i] ?? "").length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  process.stdout.write(`${[line(columns), ...cells.map(line)].join("\n")}\n`);
}

/** One resource: `key  value` lines, or a JSON object. */
export function printRow(row: Row, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(row, null, 2)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(row).map((key) => key.length));
  const lines = Object.entries(row).map(([key, value]) => `${key.padEnd(width)}  ${cell(value)}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}
