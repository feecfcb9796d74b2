import { describeServers, serverList, type NatsEndpoint } from './nats-connect-options.ts';

/** Node's codes for a server certificate no trusted CA signed. */
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

/**
 * Why the hub could not open its NATS bus, in the words of hookhub.yaml: the setting to change and
 * what to check, with the client's own reason in parentheses. Names fields, never their values (a user
 * name is not a secret; a password, token or seed never appears). An error it does not know is returned as is.
 */
export function explainConnectError(error: unknown, endpoint: NatsEndpoint): unknown {
  if (!(error instanceof Error)) return error;
  const at = `NATS at ${describeServers(endpoint.url)}`;
  const code = (error as NodeJS.ErrnoException).code ?? (error.cause as NodeJS.ErrnoException | undefined)?.code;
  const because = ` (${error.message})`;
  let hint: string | undefined;
  if (error.name === 'AuthorizationError') hint = authorizationHint(at, endpoint) + because;
  else if (error.name === 'UserAuthenticationExpiredError')
    hint = `${at} refused the user JWT in bus.auth.credsFile ${endpoint.auth?.credsFile ?? ''} as expired${because}: put a new credentials file there`;
  else if (code !== undefined && UNTRUSTED_CERTIFICATE.has(code)) hint = untrustedHint(at, endpoint) + because;
  else if (code === 'CERT_HAS_EXPIRED') hint = `the TLS certificate of ${at} has expired${because}: renew it on the servers`;
  else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    hint =
      `the TLS certificate of ${at} does not name the host the hub connected to${because}: list the servers in bus.url by a ` +
      'name or IP address their certificate holds (an IP address must be among its IP entries)';
  else if (error.name === 'JetStreamNotEnabled')
    hint =
      `${at} has JetStream off for the hub's account${because}: start nats-server with JetStream (-js, or a jetstream {} block)` +
      (endpoint.auth === undefined ? '' : ", and give the account of the hub's user jetstream: enabled");
  else if (code !== undefined && UNREACHABLE_CODES.has(code))
    hint = `cannot reach ${at}${because}: check bus.url (or HOOKHUB_NATS_URL) and that the servers run`;
  return hint === undefined ? error : new Error(hint, { cause: error });
}

function authorizationHint(at: string, endpoint: NatsEndpoint): string {
  const auth = endpoint.auth;
  if (auth === undefined) {
    const inUrl = serverList(endpoint.url).some((entry) => /^([a-z]+:\/\/)?[^@/]*@/i.test(entry));
    if (inUrl) return `${at} refused the user and password in bus.url (or HOOKHUB_NATS_URL): check them, or move them to bus.auth`;
    return `${at} requires credentials: set bus.auth ({ user, password }, { token }, { nkeySeed } or { credsFile })`;
  }
  const which =
    auth.token !== undefined
      ? 'bus.auth.token'
      : auth.nkeySeed !== undefined
        ? 'bus.auth.nkeySeed'
        : auth.credsFile !== undefined
          ? `the user in bus.auth.credsFile ${auth.credsFile}`
          : 'bus.auth.user and bus.auth.password';
  return `${at} refused the hub's credentials, ${which}: check them against the server's users (its authorization block, or the account's), then fix bus.auth`;
}

function untrustedHint(at: string, endpoint: NatsEndpoint): string {
  const ca = endpoint.tls?.ca;
  if (ca === undefined)
    return `the TLS certificate of ${at} is not signed by a CA this machine trusts: set bus.tls.ca to the CA that signed the servers' certificates`;
  const where = ca.includes('-----BEGIN') ? 'bus.tls.ca (PEM text)' : `bus.tls.ca ${ca}`;
  return `${where} did not sign the TLS certificate of ${at}: point bus.tls.ca at the CA that signed the servers' certificates`;
}
