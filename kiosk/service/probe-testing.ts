/**
 * Fakes for the service's unit tests (style.md: in-process fakes beside the code): an HTTP
 * transport that answers the backend's health route as a test says.
 */
import type { HttpRequest, HttpTransport } from '../sync/transport.ts';

/** Answers each request with the next status, or fails it with the next error (then refuses). */
export function healthTransport(
  answers: (number | Error)[] | (() => number | Error),
): HttpTransport & { readonly asked: HttpRequest[] } {
  const asked: HttpRequest[] = [];
  const next = (): number | Error =>
    typeof answers === 'function' ? answers() : (answers.shift() ?? new Error('ECONNREFUSED'));
  return {
    asked,
    request(req) {
      asked.push(req);
      const answer = next();
      if (answer instanceof Error) return Promise.reject(answer);
      return Promise.resolve({
        status: answer,
        header: () => undefined,
        body: (async function* () {})(),
        text: () => Promise.resolve('{"ok":true}'),
        discard: () => undefined,
      });
    },
    close: () => undefined,
  };
}
