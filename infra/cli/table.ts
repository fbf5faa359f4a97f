/** A plain terminal table: header, rule, rows; columns sized to their widest cell. */
export function renderTable(headers: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  const widths = headers.map((header, i) =>
    cells.reduce((widest, row) => Math.max(widest, (row[i] ?? '').length), header.length),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '─'.repeat(width))), ...cells.map(line)].join('\n');
}
