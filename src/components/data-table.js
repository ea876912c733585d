// A small read-only table of records: one column per key of the first record, a
// header cell for each (Inputs.table keeps an empty header cell for its selection
// column even with select: false, which screen readers announce as blank).
import {html} from "htl";

/** DataTable(rows, {format, header}) -> a <table>; format[key](value) formats a column's cells, header[key] names its column. */
export function DataTable(rows, {format = {}, header = {}} = {}) {
  const columns = Object.keys(rows[0] ?? {});
  const cell = (row, key) => (format[key] ? format[key](row[key]) : row[key]);
  return html`<table class="data-table">
    <thead><tr>${columns.map((key) => html`<th scope="col">${header[key] ?? key}</th>`)}</tr></thead>
    <tbody>${rows.map((row) => html`<tr>${columns.map((key) => html`<td class=${typeof row[key] === "number" ? "number" : null}>${cell(row, key)}</td>`)}</tr>`)}</tbody>
  </table>`;
}
