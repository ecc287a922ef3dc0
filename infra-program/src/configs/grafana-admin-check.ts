/**
 * What `grafanaAdminUser` can and cannot do. Grafana reads GF_SECURITY_ADMIN_USER (and _PASSWORD) only when
 * it creates its admin, on its first start with an empty database (its configuration reference: the admin
 * is set on first run); a later change of the variable renames nothing, and the stack output would name a
 * login that does not exist. Renaming through Grafana's API would need the old login, which the stack
 * config no longer holds, and would undo a rename made in Grafana. So the program asks Grafana itself,
 * after every (re)start, whether the configured login signs in with the generated password, and refuses
 * the deployment with what to do when it does not.
 */

/** Environment the check reads. */
export interface GrafanaAdminCheckEnv {
  /** Grafana's base URL as the check reaches it. */
  readonly GRAFANA_URL: string;
  readonly ADMIN_USER: string;
  readonly ADMIN_PASSWORD: string;
  /** The fully qualified config key, for the message (`observability-lab:grafanaAdminUser`). */
  readonly ADMIN_USER_KEY: string;
  /** Seconds the check keeps asking while Grafana does not answer. */
  readonly CHECK_TIMEOUT: string;
}

/**
 * A POSIX shell script for Grafana's own image (Alpine with curl: its Dockerfile installs it). GET /api/user
 * with basic auth answers 200 for an existing login and its password, 401 otherwise; anything else (no
 * answer yet) is retried until CHECK_TIMEOUT. Exit 0: the login exists; 1: it does not; 2: no answer.
 */
export const grafanaAdminCheckScript = [
  'deadline=$(( $(date +%s) + CHECK_TIMEOUT ))',
  'while :; do',
  '  code=$(curl -s -o /dev/null -w "%{http_code}" -m 5 -u "$ADMIN_USER:$ADMIN_PASSWORD" "$GRAFANA_URL/api/user")',
  '  case "$code" in',
  '    200) echo "Grafana admin login $ADMIN_USER signs in"; exit 0 ;;',
  '    401)',
  '      echo "$ADMIN_USER_KEY is \\"$ADMIN_USER\\", but Grafana has no login \\"$ADMIN_USER\\" with the generated admin password."',
  '      echo "Grafana creates its admin from GF_SECURITY_ADMIN_USER only on its first start, with an empty database: changing $ADMIN_USER_KEY afterwards renames nothing."',
  '      echo "Either set it back to the login Grafana was first started with (pulumi config set grafanaAdminUser <that login>, then pulumi up),"',
  '      echo "or rename that user to \\"$ADMIN_USER\\" in Grafana (Administration > Users and access > Users) and run this check again."',
  '      exit 1 ;;',
  '  esac',
  '  if [ "$(date +%s)" -ge "$deadline" ]; then echo "Grafana at $GRAFANA_URL did not answer /api/user within $CHECK_TIMEOUT s (last status: $code)"; exit 2; fi',
  '  sleep 2',
  'done',
].join('\n');
