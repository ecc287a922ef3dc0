/**
 * The k6 image the infra program runs the scripts in. 2.3.0 is the newest stable k6 as of this writing (k6's
 * version bump to 2.3.0 merged for its release, @types/k6 2.3.0 published after it); k6 >= 1.0 runs .ts
 * natively (esbuild strips types per file, imports keep their .ts extension). Its ENTRYPOINT is `k6`, it runs
 * as uid 12345 with WORKDIR /home/k6.
 */
export const k6Image = 'grafana/k6:2.3.0';
