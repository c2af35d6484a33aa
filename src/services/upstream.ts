/** A read from an outside service that failed, told to the person who asked in their terms. */
import { SourceError } from '../adapters/http';
import { SmxError } from '../errors';

export const UPSTREAM_MESSAGES = {
  failed: (service: string, detail: string) =>
    `${service} did not answer as expected (${detail}). Nothing was changed — try again later; \`/smx sources\` shows the service's state.`,
} as const;

/** Runs a read; a SourceError becomes an UPSTREAM SmxError with its message, anything else propagates. */
export async function readFrom<T>(service: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof SourceError) {
      throw new SmxError('UPSTREAM', UPSTREAM_MESSAGES.failed(service, err.message.slice(0, 300)), {
        cause: err,
      });
    }
    throw err;
  }
}
