/**
 * Entry point of the Pulumi program (Pulumi.yaml at the repository root names this folder as `main`).
 * Reads and validates the stack config first, so a bad value fails `pulumi up` before anything is made.
 */
import * as pulumi from '@pulumi/pulumi';
import { readRegistryAuth } from './src/docker-provider';
import { buildPlatform } from './src/platform';
import { readSettings } from './src/settings';

// @pulumi/pulumi has no public check whether a config value was set with --secret; its runtime/config
// module exports the one the SDK uses internally (a test checks it is still there and still works).
const { isConfigSecret } = require('@pulumi/pulumi/runtime/config') as { isConfigSecret(key: string): boolean };

const config = new pulumi.Config();
const raw = (key: string) => config.get(key);
const settings = readSettings(pulumi.getProject(), raw);
const platform = buildPlatform(settings, readRegistryAuth(pulumi.getProject(), raw, isConfigSecret));

export const appUrl = platform.appUrl;
export const grafanaUrl = platform.grafanaUrl;
export const prometheusUrl = platform.prometheusUrl;
export const alertmanagerUrl = platform.alertmanagerUrl;
export const traefikDashboardUrl = platform.traefikDashboardUrl;
export const minioConsoleUrl = platform.minioConsoleUrl;
export const grafanaAdminUser = platform.grafanaAdminUser;
export const grafanaAdminPassword = platform.grafanaAdminPassword;
export const k6Result = platform.k6Result ?? 'disabled (k6Enabled=false)';
/** The faults in effect (`faultScenario` and `faults`), as the fault controller applies them. */
export const faults = platform.faults;
