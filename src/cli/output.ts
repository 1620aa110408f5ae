// How the CLI prints: tables for people, RFC 4180 CSV and JSON for tools. Every command writes its result through
// `emit`, to stdout or to `--output FILE`, so that nothing else (npm's banner, progress) can reach a file.
import fs from 'node:fs';
import { Option } from 'commander';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export type OutputFormat = 'table' | 'csv' | 'json';
export const ALL_FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json'];

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? '';
}

/**
 * One RFC 4180 field: quoted when it holds a comma, quote, CR or LF, quotes doubled. A leading =, +, -, @, tab or
 * CR is prefixed with ' so that a spreadsheet opening the file never evaluates audit data as a formula (OWASP
 * "CSV injection").
 */
export function csvField(value: unknown): string {
  let text = cellText(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T extends object>(
  rows: readonly T[],
  columns: ReadonlyArray<keyof T & string>,
): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toTable<T extends object>(
  rows: readonly T[],
  columns: ReadonlyArray<keyof T & string>,
): string {
  const cells = rows.map((row) => columns.map((c) => cellText(row[c]).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) =>
    Math.min(60, Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0))),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        return (v.length > w ? `${v.slice(0, w - 1)}…` : v).padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return `${[line([...columns]), ...cells.map(line)].join('\n')}\n`;
}

export function render<T extends object>(
  format: OutputFormat,
  rows: readonly T[],
  columns: ReadonlyArray<keyof T & string>,
): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') return toCsv(rows, columns);
  return toTable(rows, columns);
}

export function formatOption(formats: readonly OutputFormat[], fallback: OutputFormat): Option {
  return new Option('--format <format>', 'output format').choices([...formats]).default(fallback);
}

/** Writes a command's result to `--output FILE` (created or replaced) or to stdout. */
export function emit(io: CliIo, text: string, outputFile: string | undefined): void {
  if (outputFile === undefined) {
    io.out(text);
    return;
  }
  fs.writeFileSync(outputFile, text);
  io.err(`wrote ${Buffer.byteLength(text)} bytes to ${outputFile}\n`);
}
