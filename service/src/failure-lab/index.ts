/**
 * The failure lab's model, `@lab/service/failure-lab`: what a fault is as a stack declares it, and the reader
 * that validates a declaration. The program turns it into Toxiproxy toxics and flagd flags for this package's
 * fault controller and flag provider; the dashboards write their scenario catalogue in it.
 */
export * from './model';
export * from './read-faults';
