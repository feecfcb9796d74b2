import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectorRegistry, connectorTypes, findConnector } from '../../../connectors/index.ts';
import { githubConnector } from '../../../connectors/github/index.ts';

const connectorsDir = fileURLToPath(new URL('../../../connectors/', import.meta.url));

describe('connector registry', () => {
  it('finds connectors by type and nothing else', () => {
    expect(findConnector('github')).toBe(githubConnector);
    expect(findConnector('stripe')?.type).toBe('stripe');
    expect(findConnector('standard-webhooks')?.type).toBe('standard-webhooks');
    for (const unknown of ['GitHub', 'nope', '__proto__', 'toString', 'constructor', '']) {
      expect(findConnector(unknown)).toBeUndefined();
    }
    expect(connectorTypes()).toEqual(expect.arrayContaining(['github', 'standard-webhooks', 'stripe']));
  });

  it.each(Object.entries(connectorRegistry))('%s is registered under its own type, with its sample files present', (key, connector) => {
    expect(connector.type).toBe(key);
    expect(connector.contentTypes.length).toBeGreaterThan(0);
    for (const file of Object.values(connector.samples)) {
      expect(existsSync(`${connectorsDir}${key}/fixtures/${file}`), `${key}/fixtures/${file}`).toBe(true);
    }
  });
});
