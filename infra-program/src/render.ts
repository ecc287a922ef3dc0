import { stringify } from 'yaml';

/**
 * Config files are typed objects rendered by a library, never templated strings: quoting, indentation and
 * escaping are the library's job, so a value can never break the file's syntax.
 */
export function renderYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

export function renderJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Grafana expands `$VAR` and `${VAR}` from its environment in provisioning files, so a literal `$` (the
 * `${__value.raw}` of a derived field, the `${__trace.traceId}` of a trace-to-logs query) must be written `$$`.
 */
export function escapeGrafanaEnvExpansion<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$') as T;
  if (Array.isArray(value)) return value.map((item) => escapeGrafanaEnvExpansion(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, escapeGrafanaEnvExpansion(item)]),
    ) as T;
  }
  return value;
}
