/**
 * Every Docker object name carries the project and the stack, so two stacks (dev, ci, a colleague's)
 * can run side by side on one Docker host without a single name colliding.
 */
export interface Naming {
  readonly project: string;
  readonly stack: string;
  /** The Docker name of one part of the platform, e.g. `observability-lab-dev-tempo`. */
  of(part: string): string;
}

const dockerNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function naming(project: string, stack: string): Naming {
  const prefix = `${project}-${stack}`;
  if (!dockerNamePattern.test(prefix)) {
    throw new Error(`project "${project}" and stack "${stack}" do not form a valid Docker name prefix`);
  }
  return { project, stack, of: (part) => `${prefix}-${part}` };
}
