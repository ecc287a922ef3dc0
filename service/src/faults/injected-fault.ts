/** The 500 a route's `http-error-rate` flag asked for: a server fault by design, answered `injected_fault`. */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}
