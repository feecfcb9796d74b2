/** The parts of a zod schema's definition that lead to the object at a path. */
interface Def {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  in?: unknown;
  valueType?: unknown;
  element?: unknown;
  options?: unknown[];
  discriminator?: string;
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

/**
 * The keys the object schema at `path` accepts, for "did you mean" on an unknown key; empty when the path
 * does not lead to one object (a union without a matching `type`, a custom schema): then no hint is given.
 * `discriminatorAt` reads the written discriminator value (e.g. `bus.type`) to pick a union's branch.
 */
export function schemaKeysAt(schema: unknown, path: ReadonlyArray<PropertyKey>, discriminatorAt: DiscriminatorAt): string[] {
  let def = defOf(schema);
  for (let depth = 0; ; depth++) {
    def = unwrap(def, path.slice(0, depth), discriminatorAt);
    if (def === undefined) return [];
    if (depth === path.length) return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
    def = child(def, path[depth]);
  }
}

export type DiscriminatorAt = (path: ReadonlyArray<PropertyKey>, key: string) => unknown;

function unwrap(def: Def | undefined, here: ReadonlyArray<PropertyKey>, discriminatorAt: DiscriminatorAt): Def | undefined {
  while (def !== undefined) {
    if (WRAPPERS.has(def.type)) def = defOf(def.innerType);
    else if (def.type === 'pipe') def = defOf(def.in);
    else if (def.type === 'union')
      def = def.discriminator === undefined ? undefined : branch(def, discriminatorAt(here, def.discriminator));
    else return def;
  }
  return undefined;
}

function child(def: Def, key: PropertyKey | undefined): Def | undefined {
  if (def.type === 'object') return defOf(def.shape?.[String(key)]);
  if (def.type === 'record') return defOf(def.valueType);
  if (def.type === 'array') return defOf(def.element);
  return undefined;
}

function branch(def: Def, value: unknown): Def | undefined {
  if (value === undefined) return undefined;
  return def.options?.map(defOf).find((option) => {
    const literal = defOf(option?.shape?.[def.discriminator as string]) as { values?: unknown[] } | undefined;
    return literal?.values?.includes(value);
  });
}

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}
