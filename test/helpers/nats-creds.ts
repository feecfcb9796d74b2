import { nkeys } from '@nats-io/transport-node';

/** A NATS user's credentials as `nsc` writes a creds file: a JWT (here one no server checked) and the user's NKey seed. */
export function natsUserCreds(name: string): { jwt: string; seed: string; text: string } {
  const user = nkeys.createUser();
  const seed = new TextDecoder().decode(user.getSeed());
  const claims = Buffer.from(JSON.stringify({ sub: user.getPublicKey(), name, nats: { type: 'user' } })).toString('base64url');
  const jwt = `eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.${claims}.${Buffer.alloc(64, name).toString('base64url')}`;
  const text = `-----BEGIN NATS USER JWT-----
${jwt}
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
${seed}
------END USER NKEY SEED------

*************************************************************
`;
  return { jwt, seed, text };
}
