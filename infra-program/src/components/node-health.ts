import type { HealthCheck } from '../container';

/**
 * The check of a Node process in an image with node but no curl or wget: on Docker, node itself fetches
 * the URL; on Kubernetes, the agent GETs the same port and path.
 */
export function nodeHttpCheck(port: number, path: string): Pick<HealthCheck, 'tests' | 'httpGet'> {
  return {
    tests: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}${path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`],
    httpGet: { port, path },
  };
}
