/** One Server-Sent Events message. `id` is set when the block carried an `id:` field. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * Parses a `text/event-stream` body into messages, as the WHATWG spec describes:
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 * Comments (`: ping`) and `retry:` are skipped; a message ends at a blank line.
 */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const message = parseBlock(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (message) yield message;
    }
  }
}

function parseBlock(block: string): SseMessage | undefined {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (id === undefined && data.length === 0) return undefined;
  return { ...(id !== undefined ? { id } : {}), event, data: data.join('\n') };
}
