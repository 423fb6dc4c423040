// The one error a person can act on: a message that says what is wrong and how to fix it, and the
// CLI's exit code for it (1 a failed run, 2 bad usage or input that can't be read). Faces show the
// message in one line, never a stack. Cancelling is not failing: faces stay quiet about it.

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The user said no (a confirmation, a picker, Ctrl+C): nothing to report as a failure. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

// The extension loads the core as a separate bundle (dist/extension-core.js), which carries its own
// copy of these classes: an error thrown there is not an `instanceof` the activation bundle's class.
// So the faces tell them by name.

export const isUserError = (error: unknown): error is UserError =>
  error instanceof UserError || (error instanceof Error && error.name === 'UserError');

export const isCancelledError = (error: unknown): error is CancelledError =>
  error instanceof CancelledError || (error instanceof Error && error.name === 'CancelledError');
