import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

/**
 * Marks a plugin as non-encapsulated, exactly what `fastify-plugin` does (it is not one of our dependencies):
 * hooks, decorators and handlers it adds apply to the whole app, not only to a child context.
 * See https://fastify.dev/docs/latest/Reference/Plugins/#handle-the-scope.
 */
export function globalPlugin<O extends Record<string, unknown>>(name: string, fn: (app: FastifyInstance, opts: O) => Promise<void>): FastifyPluginAsync<O> {
  const plugin = fn as FastifyPluginAsync<O> & Record<symbol, unknown>;
  plugin[Symbol.for('skip-override')] = true;
  plugin[Symbol.for('fastify.display-name')] = name;
  return plugin;
}
