/** A port another process holds, said with the address and what to change; any other error as it is. */
export function explainListenError(error: unknown, host: string, port: number): unknown {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return error;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Error(
    `cannot listen on ${address}: another process is using that port. Stop it, or give this hub a free port with server.port in hookhub.yaml or the PORT environment variable`,
    { cause: error },
  );
}
