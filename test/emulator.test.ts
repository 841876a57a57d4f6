import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AppFabricEmulator, MODEL, OPERATIONS, type EmulatorCredentials } from './emulator';

interface SendOptions {
  readonly query?: Record<string, string | string[]>;
  readonly body?: unknown;
  readonly credentials?: EmulatorCredentials;
  readonly region?: string;
  readonly service?: string;
  readonly unsigned?: boolean;
  /** Changes the body after signing, as a buggy client or a tampering proxy would. */
  readonly bodyAfterSigning?: string;
}

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly json: any;
}

/** Signs a request with @smithy/signature-v4 the way an SDK client does and sends it over HTTP. */
async function send(emu: AppFabricEmulator, method: string, path: string, options: SendOptions = {}) {
  const url = new URL(emu.endpoint);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const unsignedRequest = new HttpRequest({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path,
    query: options.query,
    headers: body === undefined ? { host: url.host } : { 'host': url.host, 'content-type': 'application/json' },
    body,
  });
  const signer = new SignatureV4({
    service: options.service ?? 'appfabric',
    region: options.region ?? emu.region,
    credentials: options.credentials ?? emu.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = options.unsigned ? unsignedRequest : await signer.sign(unsignedRequest);
  const payload = options.bodyAfterSigning ?? body ?? '';

  return new Promise<Reply>((resolve, reject) => {
    const req = httpRequest({
      host: url.hostname,
      port: Number(url.port),
      method,
      path: path + queryString(options.query),
      headers: { ...signed.headers, 'content-length': String(Buffer.byteLength(payload)) },
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = text ? JSON.parse(text) : undefined;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function queryString(query: Record<string, string | string[]> | undefined): string {
  const pairs = Object.entries(query ?? {}).flatMap(([key, values]) =>
    [values].flat().map((value) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`));
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

const enc = encodeURIComponent;
const ingestionsPath = (bundleArn: string) => `/appbundles/${enc(bundleArn)}/ingestions`;
const ingestionPath = (bundleArn: string, id: string) => `${ingestionsPath(bundleArn)}/${enc(id)}`;
const tagsPath = (arn: string) => `/tags/${enc(arn)}`;

function createBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { app: 'OKTA', tenantId: 'tenant-1.okta.com', ingestionType: 'auditLog', ...overrides };
}

function postIngestion(emu: AppFabricEmulator, bundleArn: string, overrides: Record<string, unknown> = {}) {
  return send(emu, 'POST', ingestionsPath(bundleArn), { body: createBody(overrides) });
}

async function createIngestion(emu: AppFabricEmulator, bundleArn: string, overrides: Record<string, unknown> = {}) {
  const reply = await postIngestion(emu, bundleArn, overrides);
  expect(reply.status).toBe(201);
  return reply.json.ingestion.arn as string;
}

describe('AppFabricEmulator', () => {
  let emu: AppFabricEmulator;

  beforeAll(async () => {
    emu = await AppFabricEmulator.start();
  });

  afterEach(() => {
    emu.reset();
    emu.requireConnectedAuthorization = false;
    emu.ingestionsPerBundle = 50;
  });

  afterAll(async () => {
    await emu.stop();
  });

  describe('ingestion lifecycle', () => {
    test('create, get, tag, untag, list, stop and delete an ingestion', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();

      // WHEN
      const created = await postIngestion(emu, bundleArn, {
        clientToken: randomUUID(),
        tags: [{ key: 'team', value: 'security' }],
      });
      const arn: string = created.json.ingestion.arn;
      const got = await send(emu, 'GET', ingestionPath(bundleArn, arn));
      const newTags = [{ key: 'env', value: 'test' }, { key: 'cost', value: '1' }];
      const tagged = await send(emu, 'POST', tagsPath(arn), { body: { tags: newTags } });
      const untagged = await send(emu, 'DELETE', tagsPath(arn), { query: { tagKeys: ['cost', 'team'] } });
      const listed = await send(emu, 'GET', tagsPath(arn));
      const stopped = await send(emu, 'POST', `${ingestionPath(bundleArn, arn)}/stop`);
      const afterStop = await send(emu, 'GET', ingestionPath(bundleArn, arn));
      const deleted = await send(emu, 'DELETE', ingestionPath(bundleArn, arn));
      const afterDelete = await send(emu, 'GET', ingestionPath(bundleArn, arn));

      // THEN
      expect(created.status).toBe(201);
      expect(created.json.ingestion).toEqual({
        arn: expect.stringMatching(new RegExp(`^${bundleArn}/ingestion/[a-f0-9-]{36}$`)),
        appBundleArn: bundleArn,
        app: 'OKTA',
        tenantId: 'tenant-1.okta.com',
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        updatedAt: expect.any(String),
        state: 'enabled',
        ingestionType: 'auditLog',
      });
      expect(got.status).toBe(200);
      expect(got.json.ingestion).toEqual(created.json.ingestion);
      expect([tagged.status, tagged.json]).toEqual([200, {}]);
      expect([untagged.status, untagged.json]).toEqual([200, {}]);
      expect(listed.status).toBe(200);
      expect(listed.json.tags).toEqual([{ key: 'env', value: 'test' }]);
      expect([stopped.status, stopped.json]).toEqual([200, {}]);
      expect(afterStop.json.ingestion.state).toBe('disabled');
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect(afterDelete.status).toBe(404);
      expect(emu.ingestions()).toEqual([]);
      expect(emu.tagsOf(arn)).toEqual({});
      expect(emu.calls.map((c) => [c.operation, c.statusCode])).toEqual([
        ['CreateIngestion', 201], ['GetIngestion', 200], ['TagResource', 200],
        ['UntagResource', 200], ['ListTagsForResource', 200], ['StopIngestion', 200],
        ['GetIngestion', 200], ['DeleteIngestion', 204], ['GetIngestion', 404],
      ]);
      expect(emu.callsOf('UntagResource')[0].input.query).toEqual({ tagKeys: ['cost', 'team'] });
      expect(emu.callsOf('GetIngestion')[0].input.labels)
        .toEqual({ appBundleIdentifier: bundleArn, ingestionIdentifier: arn });
    });

    test('identifiers may be UUIDs instead of ARNs', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const bundleId = bundleArn.split('/')[1];
      const arn = await createIngestion(emu, bundleId);

      // WHEN
      const got = await send(emu, 'GET', ingestionPath(bundleId, arn.split('/').pop()!));

      // THEN
      expect(got.status).toBe(200);
      expect(got.json.ingestion.arn).toBe(arn);
    });

    test('setIngestionState changes the state without a request and clearCalls empties only the log', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const arn = await createIngestion(emu, bundleArn);

      // WHEN
      emu.setIngestionState(arn, 'disabled');
      emu.clearCalls();

      // THEN
      expect(emu.ingestions().map((i) => i.state)).toEqual(['disabled']);
      expect(emu.calls).toEqual([]);
      expect(() => emu.setIngestionState(`${bundleArn}/ingestion/${randomUUID()}`, 'enabled')).toThrow(/does not exist/);
    });

    test('start on an enabled and stop on a disabled ingestion answer ConflictException', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const arn = await createIngestion(emu, bundleArn);

      // WHEN
      const start = await send(emu, 'POST', `${ingestionPath(bundleArn, arn)}/start`);
      await send(emu, 'POST', `${ingestionPath(bundleArn, arn)}/stop`);
      const stopAgain = await send(emu, 'POST', `${ingestionPath(bundleArn, arn)}/stop`);
      const restart = await send(emu, 'POST', `${ingestionPath(bundleArn, arn)}/start`);

      // THEN
      for (const conflict of [start, stopAgain]) {
        expect(conflict.status).toBe(409);
        expect(conflict.headers['x-amzn-errortype']).toBe('ConflictException');
      }
      expect(restart.status).toBe(200);
      expect(emu.ingestions()[0].state).toBe('enabled');
    });

    test('delete of an enabled ingestion is refused with ConflictException', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const arn = await createIngestion(emu, bundleArn);

      // WHEN
      const reply = await send(emu, 'DELETE', ingestionPath(bundleArn, arn));

      // THEN
      expect(reply.status).toBe(409);
      expect(reply.headers['x-amzn-errortype']).toBe('ConflictException');
      expect(reply.json.message).toContain('ingestion must be stopped before it is deleted');
      expect(emu.ingestions().map((i) => i.arn)).toEqual([arn]);
    });

    test('an unknown ingestion, bundle or tagged resource answers ResourceNotFoundException', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const otherAccountBundle = bundleArn.replace(emu.accountId, '444455556666');

      // WHEN
      const ingestion = await send(emu, 'GET', ingestionPath(bundleArn, randomUUID()));
      const deleteUnknown = await send(emu, 'DELETE', ingestionPath(bundleArn, randomUUID()));
      const bundle = await postIngestion(emu, otherAccountBundle);
      const tags = await send(emu, 'GET', tagsPath(`${bundleArn}/ingestion/${randomUUID()}`));

      // THEN
      for (const reply of [ingestion, deleteUnknown, bundle, tags]) {
        expect(reply.status).toBe(404);
        expect(reply.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
        expect(reply.json).toEqual({ message: expect.any(String) });
      }
    });
  });

  describe('CreateIngestion rules', () => {
    test('the same clientToken and parameters return the same ingestion without creating another', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const clientToken = randomUUID();

      // WHEN
      const first = await postIngestion(emu, bundleArn, { clientToken });
      const second = await postIngestion(emu, bundleArn, { clientToken });

      // THEN
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.json.ingestion).toEqual(first.json.ingestion);
      expect(emu.ingestions()).toHaveLength(1);
    });

    test('the same clientToken with other parameters answers IdempotentParameterMismatch', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const clientToken = randomUUID();
      await createIngestion(emu, bundleArn, { clientToken });

      // WHEN
      const reply = await postIngestion(emu, bundleArn, { clientToken, tenantId: 'tenant-2' });

      // THEN
      expect(reply.status).toBe(400);
      expect(reply.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(reply.json.message).toContain('IdempotentParameterMismatch');
      expect(emu.ingestions()).toHaveLength(1);
    });

    test('a second ingestion for the same app and tenant answers ConflictException naming the existing ARN', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const existingArn = await createIngestion(emu, bundleArn, { clientToken: randomUUID() });

      // WHEN
      const reply = await postIngestion(emu, bundleArn, { clientToken: randomUUID() });

      // THEN
      expect(reply.status).toBe(409);
      expect(reply.headers['x-amzn-errortype']).toBe('ConflictException');
      expect(reply.json.message).toContain(existingArn);
    });

    test('ingestions past the per-bundle quota answer ServiceQuotaExceededException', async () => {
      // GIVEN
      emu.ingestionsPerBundle = 1;
      const bundleArn = emu.createAppBundle();
      await createIngestion(emu, bundleArn);

      // WHEN
      const reply = await postIngestion(emu, bundleArn, { tenantId: 'tenant-2' });

      // THEN
      expect(reply.status).toBe(402);
      expect(reply.headers['x-amzn-errortype']).toBe('ServiceQuotaExceededException');
    });

    test('with connected authorization required, only connected app and tenant pairs can be ingested', async () => {
      // GIVEN
      emu.requireConnectedAuthorization = true;
      const bundleArn = emu.createAppBundle();
      emu.connectAuthorization(bundleArn, 'OKTA', 'connected-tenant');

      // WHEN
      const notConnected = await postIngestion(emu, bundleArn);
      const connected = await postIngestion(emu, bundleArn, { tenantId: 'connected-tenant' });

      // THEN
      expect(notConnected.status).toBe(400);
      expect(notConnected.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(notConnected.json.message).toContain('not connected');
      expect(connected.status).toBe(201);
    });
  });

  describe('validation', () => {
    const tags51 = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));

    test.each([
      ['a bad clientToken', { clientToken: 'NOT-A-UUID' }, 'clientToken'],
      ['a missing tenantId', { tenantId: undefined }, 'tenantId'],
      ['51 tags', { tags: tags51 }, 'tags'],
      ['an unknown member', { appName: 'OKTA' }, 'appName'],
      ['an ingestionType other than auditLog', { ingestionType: 'userAccess' }, 'ingestionType'],
      ['a tag without value', { tags: [{ key: 'k' }] }, 'tags.1.member.value'],
      ['a number as app', { app: 42 }, 'app'],
    ])('CreateIngestion with %s answers ValidationException naming the field', async (_, overrides, field) => {
      // GIVEN
      const bundleArn = emu.createAppBundle();

      // WHEN
      const reply = await postIngestion(emu, bundleArn, overrides);

      // THEN
      expect(reply.status).toBe(400);
      expect(reply.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(reply.json.message).toContain(`'${field}'`);
      expect(emu.ingestions()).toEqual([]);
    });

    test('UntagResource without tagKeys answers ValidationException naming tagKeys', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();

      // WHEN
      const reply = await send(emu, 'DELETE', tagsPath(bundleArn));

      // THEN
      expect(reply.status).toBe(400);
      expect(reply.json.message).toContain("'tagKeys'");
    });

    test('an identifier that is neither an ARN nor a UUID answers ValidationException', async () => {
      // WHEN
      const reply = await send(emu, 'GET', ingestionPath('my-bundle', randomUUID()));

      // THEN
      expect(reply.status).toBe(400);
      expect(reply.json.message).toContain("'appBundleIdentifier'");
    });
  });

  describe('signature', () => {
    const invalid = 'InvalidSignatureException';
    const wrongSecret = { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'wrong' };
    const unknownKey = { accessKeyId: 'AKIDOTHER', secretAccessKey: 'emulator-secret' };
    const otherBody = JSON.stringify(createBody({ app: 'SLACK' }));

    test.each<{ name: string; options: SendOptions; errorType: string }>([
      { name: 'a wrong secret key', options: { credentials: wrongSecret }, errorType: invalid },
      { name: 'an unknown access key', options: { credentials: unknownKey }, errorType: 'UnrecognizedClientException' },
      { name: 'another region', options: { region: 'eu-west-1' }, errorType: invalid },
      { name: 'another service', options: { service: 'execute-api' }, errorType: invalid },
      { name: 'no signature', options: { unsigned: true }, errorType: invalid },
      { name: 'a body changed after signing', options: { bodyAfterSigning: otherBody }, errorType: invalid },
    ])('a request with $name answers 403 $errorType and changes nothing', async ({ options, errorType }) => {
      // GIVEN
      const bundleArn = emu.createAppBundle();

      // WHEN
      const reply = await send(emu, 'POST', ingestionsPath(bundleArn), { body: createBody(), ...options });

      // THEN
      expect(reply.status).toBe(403);
      expect(reply.headers['x-amzn-errortype']).toBe(errorType);
      expect(emu.ingestions()).toEqual([]);
      expect(emu.calls.map((c) => [c.operation, c.statusCode, c.errorType]))
        .toEqual([['CreateIngestion', 403, errorType]]);
    });

    test('a session token is required when the emulator is configured with one', async () => {
      // GIVEN
      const keys = { accessKeyId: 'ASIAEMULATOR', secretAccessKey: 'secret' };
      const withToken = await AppFabricEmulator.start({
        credentials: { ...keys, sessionToken: 'token-1' },
        region: 'eu-west-1',
      });
      const bundleArn = withToken.createAppBundle();

      try {
        // WHEN
        const signedWithToken = await send(withToken, 'GET', tagsPath(bundleArn));
        const signedWithoutToken = await send(withToken, 'GET', tagsPath(bundleArn), { credentials: keys });

        // THEN
        expect(signedWithToken.status).toBe(200);
        expect(bundleArn).toMatch(/^arn:aws:appfabric:eu-west-1:111122223333:appbundle\//);
        expect(signedWithoutToken.status).toBe(403);
      } finally {
        await withToken.stop();
      }
    });
  });

  describe('faults', () => {
    test('a throttle fault answers ThrottlingException with Retry-After, then the call succeeds', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      emu.injectFault({
        operation: 'ListTagsForResource',
        fault: { kind: 'throttle', retryAfterSeconds: 2 },
      });

      // WHEN
      const throttled = await send(emu, 'GET', tagsPath(bundleArn));
      const retried = await send(emu, 'GET', tagsPath(bundleArn));

      // THEN
      expect(throttled.status).toBe(429);
      expect(throttled.headers['x-amzn-errortype']).toBe('ThrottlingException');
      expect(throttled.headers['retry-after']).toBe('2');
      expect(retried.status).toBe(200);
      expect(emu.calls.map((c) => c.fault)).toEqual(['throttle', undefined]);
    });

    test('status faults answer the given status, with the type AppFabric pairs with it unless one is given', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      emu.injectFault({ fault: { kind: 'status', statusCode: 503 } });
      emu.injectFault({ fault: { kind: 'status', statusCode: 403, message: 'no appfabric:TagResource' } });
      emu.injectFault({ fault: { kind: 'status', statusCode: 402 } });
      emu.injectFault({ fault: { kind: 'status', statusCode: 400, errorType: 'ConflictException', message: 'x' } });

      // WHEN
      const replies = [];
      for (let i = 0; i < 4; i++) {
        replies.push(await send(emu, 'GET', tagsPath(bundleArn)));
      }

      // THEN
      expect(replies.map((r) => [r.status, r.headers['x-amzn-errortype']])).toEqual([
        [503, 'InternalServerException'],
        [403, 'AccessDeniedException'],
        [402, 'ServiceQuotaExceededException'],
        [400, 'ConflictException'],
      ]);
      expect(replies[1].json).toEqual({ message: 'no appfabric:TagResource' });
      expect(emu.pendingFaults).toBe(0);
    });

    test('a delay fault answers normally after the delay', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      emu.injectFault({ operation: 'CreateIngestion', fault: { kind: 'delay', ms: 150 } });

      // WHEN
      const startedAt = Date.now();
      const reply = await postIngestion(emu, bundleArn);

      // THEN
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
      expect(reply.status).toBe(201);
      expect(emu.ingestions()).toHaveLength(1);
    });

    test('a reset fault drops the connection without an answer and without handling the call', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      emu.injectFault({ operation: 'CreateIngestion', fault: { kind: 'reset' } });

      // WHEN
      const reply = postIngestion(emu, bundleArn);

      // THEN
      await expect(reply).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(emu.ingestions()).toEqual([]);
      expect(emu.calls.map((c) => [c.operation, c.statusCode, c.fault]))
        .toEqual([['CreateIngestion', undefined, 'reset']]);
    });

    test('faults apply only to their operation, as many times as asked, first in first out', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      emu.injectFault({ operation: 'CreateIngestion', times: 2, fault: { kind: 'status', statusCode: 500 } });
      emu.injectFault({ operation: 'CreateIngestion', fault: { kind: 'throttle' } });

      // WHEN
      const list = await send(emu, 'GET', tagsPath(bundleArn));
      const creates = [];
      for (let i = 0; i < 4; i++) {
        creates.push(await postIngestion(emu, bundleArn));
      }

      // THEN
      expect(list.status).toBe(200);
      expect(creates.map((r) => r.status)).toEqual([500, 500, 429, 201]);
      expect(creates[2].headers['retry-after']).toBeUndefined();
    });

    test('injectFault refuses an operation the emulator does not serve', () => {
      // THEN
      expect(() => emu.injectFault({ operation: 'ListAppBundles' as never, fault: { kind: 'reset' } }))
        .toThrow(/operation must be one of/);
    });

    test('reset clears ingestions, calls and faults but keeps app bundles', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      await createIngestion(emu, bundleArn);
      emu.injectFault({ fault: { kind: 'reset' } });

      // WHEN
      emu.reset();
      const reply = await postIngestion(emu, bundleArn);

      // THEN
      expect(reply.status).toBe(201);
      expect(emu.ingestions()).toHaveLength(1);
      expect(emu.calls).toHaveLength(1);
    });
  });

  test('past requestsPerSecond the emulator answers ThrottlingException with Retry-After', async () => {
    // GIVEN
    const limited = await AppFabricEmulator.start({ requestsPerSecond: 2 });
    const bundleArn = limited.createAppBundle();

    try {
      // WHEN
      const replies = [];
      for (let i = 0; i < 3; i++) {
        replies.push(await send(limited, 'GET', tagsPath(bundleArn)));
      }

      // THEN
      expect(replies.map((r) => r.status)).toEqual([200, 200, 429]);
      expect(replies[2].headers['x-amzn-errortype']).toBe('ThrottlingException');
      expect(Number(replies[2].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.stop();
    }
  });

  describe('routes', () => {
    test('every served route is the API model route of its operation, and all 9 operations are served', () => {
      // THEN
      expect(emu.routes.map((r) => r.operation).sort()).toEqual([...OPERATIONS].sort());
      expect(OPERATIONS).toHaveLength(9);
      for (const route of emu.routes) {
        const http = MODEL.operations[route.operation].http;
        expect(route).toEqual({
          operation: route.operation,
          method: http.method ?? 'POST',
          pathTemplate: http.requestUri,
          successCode: http.responseCode ?? 200,
        });
      }
    });

    test('each served route reaches its operation over HTTP', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = `${bundleArn}/ingestion/${randomUUID()}`;

      // WHEN
      for (const route of emu.routes) {
        const path = route.pathTemplate
          .replace('{appBundleIdentifier}', enc(bundleArn))
          .replace('{ingestionIdentifier}', enc(ingestionArn))
          .replace('{resourceArn}', enc(bundleArn));
        await send(emu, route.method, path);
      }

      // THEN
      expect(emu.calls.map((c) => c.operation)).toEqual(emu.routes.map((r) => r.operation));
      expect(emu.calls.map((c) => c.errorType)).not.toContain('UnknownOperationException');
    });

    test('a model operation the emulator does not serve answers UnknownOperationException naming it', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();

      // WHEN
      const reply = await send(emu, 'GET', `/appbundles/${encodeURIComponent(bundleArn)}/appauthorizations`);

      // THEN
      expect(reply.status).toBe(404);
      expect(reply.headers['x-amzn-errortype']).toBe('UnknownOperationException');
      expect(reply.json.message).toContain('ListAppAuthorizations');
      expect(emu.calls[0].operation).toBeUndefined();
    });

    test('an ARN label sent with unencoded slashes matches no route', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();

      // WHEN
      const reply = await send(emu, 'GET', `/tags/${bundleArn}`);

      // THEN
      expect(reply.status).toBe(404);
      expect(reply.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    });
  });
});
