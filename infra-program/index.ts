/**
 * Entry point of the Pulumi program (Pulumi.yaml at the repository root names this folder as `main`).
 * Reads and validates the stack config first, so a bad value fails `pulumi up` before anything is made.
 */
import * as pulumi from '@pulumi/pulumi';
import { buildPlatform } from './src/platform';
import { readSettings } from './src/settings';

const config = new pulumi.Config();
const settings = readSettings(pulumi.getProject(), (key) => config.get(key));
const platform = buildPlatform(settings);

export const appUrl = platform.appUrl;
export const grafanaUrl = platform.grafanaUrl;
export const prometheusUrl = platform.prometheusUrl;
export const traefikDashboardUrl = platform.traefikDashboardUrl;
export const minioConsoleUrl = platform.minioConsoleUrl;
export const grafanaAdminUser = platform.grafanaAdminUser;
export const grafanaAdminPassword = platform.grafanaAdminPassword;
export const k6Result = platform.k6Result ?? 'disabled (k6Enabled=false)';
