import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

/** One profile as Pyroscope's `/ingest` would have received it, decoded. */
export interface ReceivedProfile {
  /** `name` with its labels, `from`, `until`, `format`, `spyName`. */
  readonly query: Readonly<Record<string, string>>;
  readonly profile: Profile;
}

/** A pprof sample, resolved: its stack (leaf first) and its labels. */
export interface ResolvedSample {
  readonly functions: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly values: readonly number[];
}

/** Resolves every sample of a decoded pprof profile to function names and string labels. */
export function resolveSamples(profile: Profile): ResolvedSample[] {
  const strings = profile.stringTable.strings;
  const functionName = new Map(profile.function.map((fn) => [Number(fn.id), strings[Number(fn.name)]!]));
  const locationFunctions = new Map(profile.location.map((location) => [Number(location.id), location.line.map((line) => functionName.get(Number(line.functionId)) ?? '?')]));
  return profile.sample.map((sample) => ({
    functions: sample.locationId.flatMap((id) => locationFunctions.get(Number(id)) ?? []),
    labels: Object.fromEntries(sample.label.map((label) => [strings[Number(label.key)]!, strings[Number(label.str)]!])),
    values: sample.value.map(Number),
  }));
}

/** The names of a profile's sample types (`wall`, `cpu`, `space` ...). */
export const sampleTypes = (profile: Profile): string[] => profile.sampleType.map((type) => profile.stringTable.strings[Number(type.type)]!);

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Stands where Pyroscope's HTTP port would: takes `POST /ingest` multipart uploads (field `profile`, gzipped
 * pprof) and keeps each one decoded. No Pyroscope server runs: this is the wire the service pushes on.
 */
export class ProfileReceiver {
  readonly received: ReceivedProfile[] = [];
  private server: Server | undefined;

  get address(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void (async () => {
        const url = new URL(request.url ?? '/', 'http://receiver');
        const raw = await body(request);
        if (request.method !== 'POST' || url.pathname !== '/ingest') {
          response.writeHead(404).end();
          return;
        }
        const form = await new Request(url, { method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? '' }, body: raw }).formData();
        const file = form.get('profile');
        if (!(file instanceof Blob)) {
          response.writeHead(400).end('no profile field');
          return;
        }
        const pprof = Buffer.from(await file.arrayBuffer());
        this.received.push({ query: Object.fromEntries(url.searchParams), profile: Profile.decode(gunzipSync(pprof)) });
        response.writeHead(200).end();
      })().catch((error: unknown) => response.writeHead(500).end(String(error)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
