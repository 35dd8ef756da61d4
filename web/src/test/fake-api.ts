/** A recorded call to the fake API: what the component sent, body parsed. */
export interface Call {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: unknown;
}

type Responder = (call: Call) => { status: number; body: unknown } | undefined;

/**
 * A `fetch` answering from `respond` and recording every call, for component tests: they check
 * what a component sends (the API itself is tested end to end by the server's own suites).
 */
export function fakeFetch(respond: Responder): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const text = await request.text();
    const call: Call = {
      method: request.method,
      path: url.pathname,
      search: url.search,
      headers: request.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    calls.push(call);
    const answer = respond(call) ?? {
      status: 404,
      body: { statusCode: 404, code: 'common.not_found', message: 'Not found', correlationId: 'test' },
    };
    // A 204 has no body at all (the Response constructor refuses one).
    return new Response(answer.status === 204 ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch: fetchImpl, calls };
}
