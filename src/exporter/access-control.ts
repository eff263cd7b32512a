import type { FastifyInstance } from 'fastify';
import type https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { clientCertProblem, type WebConfig, WebConfigSource } from './web-config.js';

/**
 * exporter-toolkit's web config on every path (the landing page included): its headers, TLS client
 * certificates, basic auth, and certificate rotation. Shared by the single-host daemon and the fleet.
 */
export function installAccessControl(app: FastifyInstance, o: { webConfig: WebConfigSource; https?: https.ServerOptions | null; logger: Logger }): void {
  // The config source hands out a new object whenever the file or the certificate files change.
  let lastCfg: WebConfig | null = null;
  app.addHook('onRequest', async (req, reply) => {
    const cur = o.webConfig.current();
    // The reason is in the log (once per change of the file); the client learns nothing about the config.
    if ('error' in cur) return reply.code(500).type('text/plain').send('Internal Server Error\n');
    const cfg = cur.cfg;
    for (const [k, v] of Object.entries(cfg.headers)) reply.header(k, v);
    if (cfg.tls && o.https) {
      if (cfg !== lastCfg) {
        // New connections get the rotated certificate; this one finished its handshake already.
        if (lastCfg !== null) {
          try {
            (app.server as https.Server).setSecureContext(WebConfigSource.tlsOptions(cfg.tls));
          } catch (err) {
            o.logger.error({ err }, 'cannot load the rotated TLS certificate; keeping the previous one');
          }
        }
        lastCfg = cfg;
      }
      const problem = clientCertProblem(cfg.tls.clientAuthType, req.raw.socket as TLSSocket);
      if (problem) return reply.code(403).type('text/plain').send(`${problem}\n`);
    }
    const auth = await o.webConfig.authorize(cfg, req.headers.authorization);
    if (auth === 'busy') return reply.code(429).header('Retry-After', '1').type('text/plain').send('Too many authentication attempts\n');
    if (auth === 'denied') {
      return reply.code(401).header('WWW-Authenticate', 'Basic realm="xen-pm-exporter"').type('text/plain').send('Unauthorized\n');
    }
  });
}
