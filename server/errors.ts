// Turning anything thrown into text for messages.

/** The message of an Error, or the thrown value as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
