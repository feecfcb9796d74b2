const PORT_SETTING = 'server.port in hookhub.yaml or the PORT environment variable';

const reasons = new Map<string, (host: string, port: number) => string>([
  ['EADDRINUSE', () => `another process is using that port. Stop it, or give this hub a free port with ${PORT_SETTING}`],
  [
    'EACCES',
    (_host, port) =>
      port < 1024
        ? `ports below 1024 need privileges this process lacks. Give this hub a port of 1024 or above with ${PORT_SETTING} (a reverse proxy can take the low port), or grant the process the CAP_NET_BIND_SERVICE capability`
        : `the system does not let this process use that port. Give this hub another port with ${PORT_SETTING}`,
  ],
  [
    'EADDRNOTAVAIL',
    (host) =>
      `${host} is not an address of this machine. Set server.host in hookhub.yaml to one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 for every interface)`,
  ],
]);

/** A listen refused for a reason the operator can fix, said with the address and what to change; any other error as it is. */
export function explainListenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === undefined ? undefined : reasons.get(code);
  if (reason === undefined) return error;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Error(`cannot listen on ${address}: ${reason(host, port)}`, { cause: error });
}
