/** One encoded profile and the window it covers, as Pyroscope's `/ingest` takes it. */
export interface ProfileUpload {
  /** gzipped pprof bytes. */
  readonly pprof: Buffer;
  readonly fromMs: number;
  readonly untilMs: number;
}

/**
 * Pyroscope's application name with labels, `name{key=value,...}` (docs/sources/reference-server-api at
 * v2.2.1: with `format=pprof` the name is a prefix and the profile type comes from the pprof sample types).
 */
export function ingestName(serviceName: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}=${value.replace(/[{},=]/g, '_')}`);
  return `${serviceName}{${pairs.join(',')}}`;
}

/**
 * POSTs one profile to `/ingest` as a multipart form with the pprof in the field `profile` (how Pyroscope's
 * pprof ingestion reads it: pkg/og/convert/pprof/profile.go at v2.2.1). Resolves on 2xx; rejects otherwise,
 * or when the server is unreachable or slower than `timeoutMs`.
 */
export async function pushProfile(serverAddress: string, name: string, upload: ProfileUpload, timeoutMs: number): Promise<void> {
  const url = new URL('/ingest', serverAddress);
  url.searchParams.set('name', name);
  url.searchParams.set('from', String(Math.floor(upload.fromMs / 1000)));
  url.searchParams.set('until', String(Math.ceil(upload.untilMs / 1000)));
  url.searchParams.set('format', 'pprof');
  url.searchParams.set('spyName', 'nodespy');
  const form = new FormData();
  form.append('profile', new Blob([new Uint8Array(upload.pprof)]), 'profile.pprof');
  const response = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`Pyroscope answered ${response.status} to ${url.pathname}`);
}
