/**
 * A strict RFC 4180 reader for tests: records end with CRLF, fields are
 * separated by commas, quoted fields may hold anything with `""` for a
 * quote. Throws on anything else, so a test using it fails on bad CSV.
 *
 * @internal
 * @module
 */

/** Parses CSV text into records of fields. */
export const readCsv = (text: string): Array<Array<string>> => {
  const records: Array<Array<string>> = [];
  let record: Array<string> = [];
  let i = 0;
  while (i < text.length) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (text[i] === ",") {
      i++;
    } else if (text.startsWith("\r\n", i)) {
      i += 2;
      records.push(record);
      record = [];
    } else {
      throw new Error(
        `expected a comma or CRLF at ${i}, got ${JSON.stringify(text.slice(i, i + 5))}`,
      );
    }
  }
  if (record.length > 0) throw new Error("last record does not end with CRLF");
  return records;
};
