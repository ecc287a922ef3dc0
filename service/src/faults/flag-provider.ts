import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { Logger } from '../logger';
import { evaluationRecorder } from './evaluation-telemetry';
import { defaultFaultFlags, snapshotFaultFlags, type FaultFlags } from './fault-flags';
import { createFlagSnapshot } from './flag-snapshot';
import { openFeatureLogger } from './provider-logger';

/** The provider's constructor options (the package does not export their type). */
type FlagdProviderOptions = NonNullable<ConstructorParameters<typeof FlagdProvider>[0]>;

/** Where flags come from (config.ts FLAGD_*); with neither a host nor a file, nowhere. */
export interface FlagSourceSettings {
  readonly host?: string;
  readonly port?: number;
  readonly offlineFlagSourcePath?: string;
}

export interface FeatureFlags {
  readonly faults: FaultFlags;
  /** Stops syncing (closes the gRPC stream or the file watch). */
  close(): Promise<void>;
}

/** The provider's options: only what is set, so the provider's own defaults (port 8015) stay in force. */
export function flagdOptions(settings: FlagSourceSettings): FlagdProviderOptions {
  return {
    // In-process: flags sync from flagd and are evaluated here, so a request never waits on the network.
    resolverType: 'in-process',
    // No deadline on the sync stream. The provider's default (600,000 ms, configuration.ts) makes flagd end
    // the stream with DEADLINE_EXCEEDED every 10 minutes; the provider then logs an error, goes STALE,
    // waits its 5 s backoff before reconnecting and, past its 5 s grace period, goes ERROR (grpc-fetch.ts,
    // flagd-provider.ts at 0.16.1): a fault-free stack would log an outage every 10 minutes. 0 asks for none
    // (grpc-fetch.ts: `streamDeadlineMs != 0`), and wins over FLAGD_STREAM_DEADLINE_MS.
    streamDeadlineMs: 0,
    keepAliveTime: syncKeepAliveMs,
    ...(settings.host !== undefined && { host: settings.host }),
    ...(settings.port !== undefined && { port: settings.port }),
    ...(settings.offlineFlagSourcePath !== undefined && { offlineFlagSourcePath: settings.offlineFlagSourcePath }),
  };
}

/**
 * How often the snapshot is evaluated again even when the provider reported no change. It is how a change
 * arrives after a failed first connection, when the provider never says that flags changed (flag-snapshot.ts).
 */
export const refreshIntervalMs = 1_000;

/**
 * gRPC keepalive on the sync connection, ms. The stream has no deadline (see flagdOptions), so a peer that
 * vanished without closing the connection (a host gone, a dropped route) is found by the pings going
 * unanswered, and the provider reconnects. At least flagd's `--keep-alive-min-time` (30 s by default at
 * v0.16.1, flagd/cmd/start.go): a client pinging more often is sent GOAWAY ENHANCE_YOUR_CALM.
 */
export const syncKeepAliveMs = 60_000;

/**
 * Starts OpenFeature with the flagd provider, without waiting for it: start-up never blocks on flagd. Until
 * the first sync (and for flags it does not have) every evaluation is its default, which is "no fault";
 * after a lost connection the provider keeps evaluating the flags it last received and reconnects.
 * Requests read the flags from a snapshot (flag-snapshot.ts) evaluated again on every provider event and
 * every second, which logs the flags whose values changed.
 */
export function startFeatureFlags(settings: FlagSourceSettings, logger: Logger): FeatureFlags {
  if (settings.host === undefined && settings.offlineFlagSourcePath === undefined) {
    logger.info('no flag provider configured (FLAGD_HOST, FLAGD_OFFLINE_FLAG_SOURCE_PATH): fault flags stay off');
    return { faults: defaultFaultFlags, close: async () => undefined };
  }
  const sdkLogger = openFeatureLogger(logger);
  const source = settings.offlineFlagSourcePath ?? `${settings.host}:${settings.port ?? '(provider default)'}`;
  const snapshot = createFlagSnapshot(OpenFeature.getClient(), undefined, (flagsChanged) => logger.info({ source, flagsChanged }, 'fault flags changed'));
  const refresh = () => {
    snapshot.refresh().catch((error: unknown) => logger.warn({ err: error }, 'evaluating the fault flags failed; keeping the last values'));
  };
  OpenFeature.setLogger(sdkLogger);
  OpenFeature.addHandler(ProviderEvents.Ready, () => logger.info({ source }, 'flag provider ready'));
  OpenFeature.addHandler(ProviderEvents.Stale, (details) => logger.warn({ source, reason: details?.message }, 'flag provider lost its source: keeping the last flags while it reconnects'));
  OpenFeature.addHandler(ProviderEvents.Error, (details) => logger.warn({ source, reason: details?.message }, 'flag provider error: flags it never received are off'));
  // Any of them may change what an evaluation answers: the snapshot is evaluated again on each.
  for (const event of [ProviderEvents.Ready, ProviderEvents.Stale, ProviderEvents.Error, ProviderEvents.ConfigurationChanged]) {
    OpenFeature.addHandler(event, refresh);
  }
  // setProvider, not setProviderAndWait: an initialisation failure is logged by the SDK, not thrown.
  OpenFeature.setProvider(new FlagdProvider(flagdOptions(settings), sdkLogger));
  refresh();
  const timer = setInterval(refresh, refreshIntervalMs).unref();
  return {
    faults: snapshotFaultFlags(snapshot, evaluationRecorder()),
    async close() {
      clearInterval(timer);
      await OpenFeature.close();
    },
  };
}
