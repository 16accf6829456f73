import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerOf, createApiClient } from './api-client';
import { ApiError } from './api-errors';

/** A real HTTP server that answers each request with the next of `answers`, and records what it was sent. */
async function serve(answers: { status: number; body: unknown; headers?: Record<string, string> }[]) {
  const received: { method: string; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', body });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)];
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

const overloaded = {
  status: 503,
  body: { statusCode: 503, code: 'OVERLOADED', message: 'the api is answering 2 requests already' },
  headers: { 'retry-after': '0.01' },
};

describe('createApiClient against an overloaded api', () => {
  it('sends a refused request again, body and all, after its retry-after, until it is answered', async () => {
    const api = await serve([overloaded, overloaded, { status: 201, body: { id: 'r1' } }]);
    try {
      const client = createApiClient({ baseUrl: api.url, token: 'glk_x' });
      const run = await answerOf(client.POST('/api/runs', { body: { name: 'n', config: {} } as never }));
      expect(run).toEqual({ id: 'r1' });
      expect(api.received).toHaveLength(3);
      for (const r of api.received) expect(JSON.parse(r.body)).toEqual({ name: 'n', config: {} });
    } finally {
      await api.close();
    }
  });

  it('gives up after four more tries and reports the 503', async () => {
    const api = await serve([overloaded]);
    try {
      const client = createApiClient({ baseUrl: api.url });
      const answer = answerOf(client.GET('/api/runs/{id}', { params: { path: { id: 'r1' } } }));
      await expect(answer).rejects.toEqual(new ApiError(503, 'the api is answering 2 requests already'));
      expect(api.received).toHaveLength(5);
    } finally {
      await api.close();
    }
  });

  it('does not ask again after any other 503 (an outage): the caller decides', async () => {
    const api = await serve([
      {
        status: 503,
        body: { statusCode: 503, code: 'UNAVAILABLE', message: 'the database cannot be reached just now' },
        headers: { 'retry-after': '0.01' },
      },
    ]);
    try {
      const client = createApiClient({ baseUrl: api.url });
      await expect(answerOf(client.GET('/api/runs/{id}', { params: { path: { id: 'r1' } } }))).rejects.toThrow(
        'the database cannot be reached just now',
      );
      expect(api.received).toHaveLength(1);
    } finally {
      await api.close();
    }
  });
});
