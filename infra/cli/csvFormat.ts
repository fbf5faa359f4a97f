import type { Options } from 'csv-stringify';

/**
 * How every CSV the product writes is formatted (csv-stringify, sync or streaming): RFC 4180 (CRLF record ends;
 * fields holding a comma, a quote or a line break quoted, quotes doubled). Text a spreadsheet would run as a formula
 * (starting with = + - @, a tab or a carriage return) gets a leading apostrophe.
 */
export const CSV_OPTIONS: Options = {
  record_delimiter: 'windows',
  quoted_match: /[\r\n]/,
  cast: {
    string: (value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value),
    boolean: (value) => String(value),
  },
};

/** The error file of an import gives the rows back exactly as they were read (no formula guard), to be mended. */
export const CSV_OPTIONS_VERBATIM: Options = { record_delimiter: 'windows', quoted_match: /[\r\n]/ };
