import type { ConnectorConfig } from '../../config/load-config.ts';

/** A connector whose events a chat subscription may relay (`connectors.<name>` in hookhub.yaml). */
export interface SourceConnector {
  name: string;
  /** The connector's own type (`github`, `generic`), never a provider a generic connector names. */
  type: string;
  /** A github connector's `repos` and `orgs`, lowercase (`acme/api`, `acme`); empty when it lists none. */
  lists: readonly string[];
}

/** Every connector of the config, with what a github connector lists. */
export function sourceConnectors(connectors: Readonly<Record<string, ConnectorConfig>>): SourceConnector[] {
  return Object.entries(connectors).map(([name, block]) => {
    const listed = block.type === 'github' ? [...strings(block.repos), ...strings(block.orgs)] : [];
    return { name, type: block.type, lists: listed.map((entry) => entry.toLowerCase()) };
  });
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
