import type { VerificationFailure } from '../errors.ts';

/** The connector a request was refused on, as hookhub.yaml names it. */
export interface HintTarget {
  /** The instance name: `connectors.<name>`. */
  name: string;
  type: string;
  /** The config key checked when the failure names none: the connector's first secret field. */
  secretField: string | undefined;
}

/**
 * What an operator should check after a 401, from what the connector says failed. It names config
 * keys and numbers only: never a secret, a token or the signature that arrived.
 */
export function verificationHint(failure: VerificationFailure | undefined, target: HintTarget): string {
  const key = (setting?: string) => `connectors.${target.name}.${setting ?? target.secretField ?? 'secret'}`;
  const sameType = `that ${target.type} is the provider posting here (connectors.${target.name} has type ${target.type})`;
  switch (failure?.kind) {
    case 'mismatch':
      return mismatchHint(failure, key(failure.setting), target);
    case 'missing':
      return `the request lacks what ${target.type} signs it with: check that the webhook at the provider is set to sign (a secret set on it, the one in ${key(failure.setting)}), and ${sameType}`;
    case 'malformed':
      // Not only a signature: GitHub's event and delivery headers, Linear's signed body field, a timestamp.
      return `the request is not in the form ${target.type} sends: check ${sameType}, and that no proxy in front rewrites its headers`;
    case 'altered':
      return 'the signature verified but the body changed after signing: a proxy or framework in front of the hub altered it; pass the raw bytes through unchanged';
    case 'stale':
      return staleHint(failure.skewSec, failure.toleranceSec);
    case 'unconfigured':
      return `set ${key(failure.setting)} in hookhub.yaml: without it the hub cannot verify this connector's webhooks`;
    case undefined:
      return `check ${key()} in hookhub.yaml against the secret set at the provider, and ${sameType}`;
  }
}

function mismatchHint(failure: Extract<VerificationFailure, { kind: 'mismatch' }>, key: string, target: HintTarget): string {
  const secret = `check that ${key} in hookhub.yaml (and the environment variable it reads, if any) is the value set at the provider; during a rotation list both`;
  if (failure.signs === 'token') return `the ${target.type} token matches none configured: ${secret}`;
  if (failure.signs === 'url') {
    // Twilio-style: the signature covers the URL the provider called, so a proxy that changes host, scheme or path breaks it.
    return (
      `the signature does not verify for the URL the hub rebuilt: ${secret}; behind a proxy that changes the host, ` +
      `scheme or path, set connectors.${target.name}.publicUrl to the URL configured at the provider`
    );
  }
  return (
    `the signature does not verify: ${secret}. If they are the same, a proxy or framework in front of the hub ` +
    're-encoded the body (parsed and re-serialized it, or changed its encoding): the signature is over the raw bytes'
  );
}

function staleHint(skewSec: number, toleranceSec: number): string {
  const off = duration(Math.abs(skewSec));
  if (skewSec < 0) {
    return `the signed timestamp is ${off} ahead of the hub's clock, outside the ${toleranceSec} s window: the hub's clock or the sender's is off (sync it with NTP)`;
  }
  return (
    `the signed timestamp is ${off} behind the hub's clock, outside the ${toleranceSec} s window: if the hub's clock is off, ` +
    'sync it with NTP; otherwise this is an old delivery sent again, or a replay'
  );
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7_200) return `${s} s (about ${Math.round(s / 60)} min)`;
  return `${s} s (about ${Math.round(s / 3_600)} h)`;
}
