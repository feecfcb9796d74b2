/** The reference relay's delivery: POST the id to a sink right after answering, no queue, no retry. */
import { Agent, request } from 'node:http';

export function createForwarder(target: string): (id: string) => void {
  const url = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return (id) => {
    const body = JSON.stringify({ id });
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': `${id}:ref:0` },
    });
    req.on('response', (res) => res.resume());
    req.on('error', () => undefined);
    req.end(body);
  };
}
