import { createHash } from 'node:crypto';

/** A stable sha256 of a JSON-serialisable value (a health check, a list of image and container ids), for a label. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
