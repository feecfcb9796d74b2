/**
 * The JSON of `head` with one more field, `key`, whose value is `json`: JSON text the caller already
 * has (a webhook's body as it came), so it is not parsed and serialized again. `head` must be a
 * non-empty plain object without `key`, and `json` valid JSON.
 */
export function withJsonField(head: object, key: string, json: string): string {
  const text = JSON.stringify(head);
  return `${text.slice(0, -1)},${JSON.stringify(key)}:${json}}`;
}
