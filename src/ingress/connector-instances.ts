import { connectorRegistry } from '../../connectors/index.ts';
import type { Connector } from '../../connectors/connector.ts';
import type { ConnectorConfig, HubConfig } from '../config/load-config.ts';
import type { ConnectorInstance } from './hooks-route.ts';

/**
 * Pairs each configured connector block with its implementation, and marks those whose secret is a
 * development default (`connectors.<name>.<field>`). Config validation already checked the types.
 */
export function createConnectorInstances(
  blocks: Readonly<Record<string, ConnectorConfig>>,
  developmentDefaults: HubConfig['developmentDefaults'] = [],
): Map<string, ConnectorInstance> {
  const instances = new Map<string, ConnectorInstance>();
  for (const [name, config] of Object.entries(blocks)) {
    const connector = (connectorRegistry as Record<string, Connector | undefined>)[config.type];
    if (!connector) throw new Error(`connector "${name}" has unknown type "${config.type}"`);
    const defaulted = developmentDefaults.find((d) => d.where.startsWith(`connectors.${name}.`));
    instances.set(name, { name, connector, config, ...(defaulted ? { developmentSecret: defaulted.variable } : {}) });
  }
  return instances;
}
