// Output of the benchmarks (via bench/lib.js): memory figures, aligned text tables, number
// formatting. Progress lines are in ./infra.js.

// ---------------------------------------------------------------------------------------------
// Output

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
/** Current resident set size and the peak so far (getrusage maxrss). */
function memory() {
  return { rss: process.memoryUsage().rss, peakRss: process.resourceUsage().maxRSS * 1024 };
}
function memoryLine() {
  const m = memory();
  return `process RSS ${mb(m.rss)} (peak ${mb(m.peakRss)})`;
}

/**
 * Print rows as an aligned text table. `columns`: [{ key, title, align: 'left'|'right' }];
 * numbers should be formatted by the caller (cells are printed with String()).
 */
function printTable(columns, rows, title) {
  const cells = rows.map((r) => columns.map((c) => (r[c.key] === undefined || r[c.key] === null ? '-' : String(r[c.key]))));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const pad = (s, i) => ((columns[i].align ?? (i === 0 ? 'left' : 'right')) === 'left' ? s.padEnd(widths[i]) : s.padStart(widths[i]));
  const line = (parts) => `| ${parts.join(' | ')} |`;
  const out = [];
  if (title) out.push(title);
  out.push(line(columns.map((c, i) => pad(c.title, i))));
  out.push(
    `|${widths.map((w, i) => ((columns[i].align ?? (i === 0 ? 'left' : 'right')) === 'left' ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
  );
  for (const row of cells) out.push(line(row.map(pad)));
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * A table of named figures: a left-aligned first column titled `title`, then one column per
 * entry of `valueTitles`; each row is `[metric, ...cells]`, one cell per value column.
 */
function printMetrics(title, valueTitles, rows) {
  printTable(
    [{ key: 'metric', title, align: 'left' }, ...valueTitles.map((t, i) => ({ key: `v${i}`, title: t }))],
    rows.map(([metric, ...cells]) => Object.fromEntries([['metric', metric], ...cells.map((c, i) => [`v${i}`, c])])),
  );
}

const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');

module.exports = { mb, memory, memoryLine, printTable, printMetrics, fmt, fmtInt };
