import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeTable as routes } from '../support/route-table';
import { createTestApp, type TestApp } from '../support/test-app';

describe('Platform: health, errors, documentation and the route table', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  const routeTable = () => routes(t.app);

  it('should classify every route as public or permission-guarded (review any change as an access change)', () => {
    const table = routeTable();
    expect(table.filter((row) => row.access === 'UNDECLARED')).toEqual([]);
    expect(table.map((row) => `${row.route} -> ${row.access}`)).toMatchSnapshot();
  });

  it('should answer 401 without a token on every route that is not public', async () => {
    for (const { route, access } of routeTable()) {
      if (access === 'public') continue;
      const [method, path] = route.split(' ') as [string, string];
      const url = `${t.baseUrl}${path.replace(':id', '00000000-0000-4000-8000-000000000000')}`;
      const response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : '{}',
      });
      expect({ route, status: response.status }).toEqual({ route, status: 401 });
    }
  });

  it('should report liveness and readiness without authentication', async () => {
    expect((await t.anonymous.GET('/health/live')).data).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('should serve the OpenAPI document the committed client was generated from', async () => {
    const served = await (await fetch(`${t.baseUrl}/docs-json`)).json();
    const committed: unknown = JSON.parse(
      readFileSync(join(__dirname, '../../libs/api-client/openapi.json'), 'utf8'),
    );
    expect(served).toEqual(committed);
    expect((await fetch(`${t.baseUrl}/docs`)).status).toBe(200);
  });

  it('should answer unknown routes with the error envelope and echo a well-formed correlation id', async () => {
    const response = await fetch(`${t.baseUrl}/v1/nothing-here`, {
      headers: { 'x-correlation-id': 'case-4711-abcdef' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-correlation-id')).toBe('case-4711-abcdef');
    expect(await response.json()).toEqual({
      statusCode: 404,
      code: 'common.not_found',
      message: 'No such resource',
      correlationId: 'case-4711-abcdef',
    });
    const replaced = await fetch(`${t.baseUrl}/health/live`, {
      headers: { 'x-correlation-id': 'bad id with spaces' },
    });
    expect(replaced.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});
