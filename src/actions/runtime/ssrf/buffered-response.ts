/**
 * A Response over bytes that guarded-fetch has already read: `text()`, `json()`, `arrayBuffer()` and
 * `blob()` answer from them, and `body` is null (there is no stream left to read or cancel). On Node 20
 * a Response given a body builds a ReadableStream, which is made transferable on creation, and reading
 * it back goes through that stream: about 20 µs per delivery, against 3.5 µs here.
 */
export class BufferedResponse extends Response {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
  }

  override text(): Promise<string> {
    // TextDecoder drops a leading byte order mark, as Response.text() does.
    return Promise.resolve(new TextDecoder().decode(this.#bytes));
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#bytes;
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }

  /** Response.prototype.clone would copy the null body: a clone reads the same bytes instead. */
  override clone(): BufferedResponse {
    return new BufferedResponse(this.#bytes, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers) });
  }

  override blob(): Promise<Blob> {
    return Promise.resolve(new Blob([new Uint8Array(this.#bytes)], { type: this.headers.get('content-type') ?? '' }));
  }
}
