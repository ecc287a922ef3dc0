import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadOrExit } from '../config';
import { createLogger } from '../logger';
import { createFaultController } from './controller';
import { readDeclaration } from './read-declaration';
import { loadFaultControllerSettings } from './settings';
import { toxiproxyApi } from './toxiproxy-api';

/**
 * The fault controller: reconciles Toxiproxy to the fault declaration every RECONCILE_INTERVAL_MS and serves
 * /metrics. Run from the service image as `node dist/fault-controller/main.js`.
 */
async function main() {
  const settings = loadOrExit(loadFaultControllerSettings);
  const logger = createLogger(settings.logLevel, 'fault-controller');
  let initial;
  try {
    initial = await readDeclaration(settings.faultsFile);
  } catch (error) {
    // A broken declaration is a deploy error: stop, so the container's state shows it, rather than serve nothing.
    logger.fatal({ err: error }, 'cannot start without a valid fault declaration');
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const stopping = new AbortController();
  const controller = createFaultController({
    api: toxiproxyApi(settings.toxiproxyUrl, stopping.signal),
    readDeclaration: () => readDeclaration(settings.faultsFile),
    initial,
    logger,
    stopping: stopping.signal,
  });

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://controller').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(controller.metrics());
    } else if (path === '/health/live') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  server.listen(settings.metricsPort, () => logger.info({ port: settings.metricsPort, toxiproxy: settings.toxiproxyUrl, faultsFile: settings.faultsFile }, 'fault controller started'));

  const stop = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) return;
    logger.info({ signal }, 'stopping');
    stopping.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  while (!stopping.signal.aborted) {
    await controller.reconcile();
    await sleep(settings.reconcileIntervalMs, undefined, { signal: stopping.signal }).catch(() => undefined);
  }
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  logger.info('stopped');
}

void main();
