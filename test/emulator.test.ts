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
const destinationsPath = (bundleArn: string, ingestion: string) => `${ingestionPath(bundleArn, ingestion)}/ingestiondestinations`;
const destinationPath = (bundleArn: string, ingestion: string, id: string) =>
  `${destinationsPath(bundleArn, ingestion)}/${enc(id)}`;

const OCSF_JSON = { auditLog: { schema: 'ocsf', format: 'json' } };
const TO_S3 = { auditLog: { destination: { s3Bucket: { bucketName: 'audit-logs', prefix: 'okta/' } } } };
const TO_FIREHOSE = { auditLog: { destination: { firehoseStream: { streamName: 'audit-stream' } } } };
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

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

function destinationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { processingConfiguration: OCSF_JSON, destinationConfiguration: TO_S3, ...overrides };
}

function postDestination(
  emu: AppFabricEmulator, bundleArn: string, ingestionArn: string, overrides: Record<string, unknown> = {},
) {
  return send(emu, 'POST', destinationsPath(bundleArn, ingestionArn), { body: destinationBody(overrides) });
}

async function createDestination(
  emu: AppFabricEmulator, bundleArn: string, ingestionArn: string, overrides: Record<string, unknown> = {},
) {
  const reply = await postDestination(emu, bundleArn, ingestionArn, overrides);
  expect(reply.status).toBe(201);
  return reply.json.ingestionDestination.arn as string;
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

  describe('ingestion destinations', () => {
    test('create, get, update, list and delete a destination', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);

      // WHEN
      const created = await postDestination(emu, bundleArn, ingestionArn, { clientToken: randomUUID() });
      const arn: string = created.json.ingestionDestination.arn;
      const got = await send(emu, 'GET', destinationPath(bundleArn, ingestionArn, arn));
      const updated = await send(emu, 'PATCH', destinationPath(bundleArn, ingestionArn, arn),
        { body: { destinationConfiguration: TO_FIREHOSE } });
      const afterUpdate = await send(emu, 'GET', destinationPath(bundleArn, ingestionArn, arn));
      const listed = await send(emu, 'GET', destinationsPath(bundleArn, ingestionArn));
      const deleted = await send(emu, 'DELETE', destinationPath(bundleArn, ingestionArn, arn));
      const afterDelete = await send(emu, 'GET', destinationPath(bundleArn, ingestionArn, arn));
      const listedAfterDelete = await send(emu, 'GET', destinationsPath(bundleArn, ingestionArn));

      // THEN
      expect(created.status).toBe(201);
      expect(created.json.ingestionDestination).toEqual({
        arn: expect.stringMatching(new RegExp(`^${ingestionArn}/ingestiondestination/[a-f0-9-]{36}$`)),
        ingestionArn,
        processingConfiguration: OCSF_JSON,
        destinationConfiguration: TO_S3,
        status: 'Active',
        createdAt: expect.stringMatching(ISO_MILLIS),
        updatedAt: expect.stringMatching(ISO_MILLIS),
      });
      expect(got.status).toBe(200);
      expect(got.json.ingestionDestination).toEqual(created.json.ingestionDestination);
      expect(updated.status).toBe(200);
      expect(updated.json.ingestionDestination).toEqual({
        ...created.json.ingestionDestination,
        destinationConfiguration: TO_FIREHOSE,
        updatedAt: expect.stringMatching(ISO_MILLIS),
      });
      expect(Date.parse(updated.json.ingestionDestination.updatedAt))
        .toBeGreaterThanOrEqual(Date.parse(created.json.ingestionDestination.updatedAt));
      expect(afterUpdate.json.ingestionDestination).toEqual(updated.json.ingestionDestination);
      expect([listed.status, listed.json]).toEqual([200, { ingestionDestinations: [{ arn }] }]);
      expect([deleted.status, deleted.text]).toEqual([204, '']);
      expect(afterDelete.status).toBe(404);
      expect(afterDelete.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
      expect(listedAfterDelete.json).toEqual({ ingestionDestinations: [] });
      expect(emu.destinations()).toEqual([]);
      expect(emu.calls.map((c) => [c.operation, c.statusCode])).toEqual([
        ['CreateIngestion', 201], ['CreateIngestionDestination', 201], ['GetIngestionDestination', 200],
        ['UpdateIngestionDestination', 200], ['GetIngestionDestination', 200], ['ListIngestionDestinations', 200],
        ['DeleteIngestionDestination', 204], ['GetIngestionDestination', 404], ['ListIngestionDestinations', 200],
      ]);
      expect(emu.callsOf('UpdateIngestionDestination')[0].input.labels).toEqual({
        appBundleIdentifier: bundleArn, ingestionIdentifier: ingestionArn, ingestionDestinationIdentifier: arn,
      });
    });

    test.each([
      ['an S3 bucket with a prefix', { auditLog: { schema: 'ocsf', format: 'parquet' } }, TO_S3],
      ['an S3 bucket without prefix', { auditLog: { schema: 'raw', format: 'json' } },
        { auditLog: { destination: { s3Bucket: { bucketName: 'abc' } } } }],
      ['a Firehose stream', { auditLog: { schema: 'raw', format: 'json' } }, TO_FIREHOSE],
    ])('a destination to %s is kept and answered as sent', async (_, processingConfiguration, destinationConfiguration) => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);

      // WHEN
      const reply = await postDestination(emu, bundleArn, ingestionArn, { processingConfiguration, destinationConfiguration });

      // THEN
      expect(reply.status).toBe(201);
      expect(reply.json.ingestionDestination).toMatchObject({ processingConfiguration, destinationConfiguration });
      expect(emu.destinations(ingestionArn)).toEqual([{
        arn: reply.json.ingestionDestination.arn,
        ingestionArn,
        processingConfiguration,
        destinationConfiguration,
        status: 'Active',
      }]);
    });

    test('a member sent as null is read as absent and not kept', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const withNull = { auditLog: { destination: { s3Bucket: { bucketName: 'audit-logs' }, firehoseStream: null } } };

      // WHEN
      const reply = await postDestination(emu, bundleArn, ingestionArn, { destinationConfiguration: withNull });

      // THEN
      expect(reply.status).toBe(201);
      expect(reply.json.ingestionDestination.destinationConfiguration)
        .toEqual({ auditLog: { destination: { s3Bucket: { bucketName: 'audit-logs' } } } });
    });

    test('ListIngestionDestinations pages with maxResults and nextToken, oldest first', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const arns = [];
      for (let i = 0; i < 5; i++) {
        arns.push(await createDestination(emu, bundleArn, ingestionArn));
      }

      // WHEN
      const pages = [];
      let nextToken: string | undefined;
      do {
        const query: Record<string, string> = { maxResults: '2', ...(nextToken ? { nextToken } : {}) };
        const reply = await send(emu, 'GET', destinationsPath(bundleArn, ingestionArn), { query });
        expect(reply.status).toBe(200);
        pages.push(reply.json);
        nextToken = reply.json.nextToken;
      } while (nextToken);

      // THEN
      expect(pages.map((p) => p.ingestionDestinations.length)).toEqual([2, 2, 1]);
      expect(pages.flatMap((p) => p.ingestionDestinations)).toEqual(arns.map((arn) => ({ arn })));
      expect(pages.map((p) => typeof p.nextToken)).toEqual(['string', 'string', 'undefined']);
    });

    test('destination identifiers may be UUIDs; a destination is found only under its own ingestion', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionA = await createIngestion(emu, bundleArn);
      const ingestionB = await createIngestion(emu, bundleArn, { tenantId: 'tenant-2' });
      const arn = await createDestination(emu, bundleArn, ingestionA);
      const uuid = arn.split('/').pop()!;

      // WHEN
      const byUuid = await send(emu, 'GET', destinationPath(bundleArn, ingestionA.split('/').pop()!, uuid));
      const arnUnderB = await send(emu, 'GET', destinationPath(bundleArn, ingestionB, arn));
      const uuidUnderB = await send(emu, 'GET', destinationPath(bundleArn, ingestionB, uuid));
      const deleteUnderB = await send(emu, 'DELETE', destinationPath(bundleArn, ingestionB, arn));
      const unknown = await send(emu, 'PATCH', destinationPath(bundleArn, ingestionA, randomUUID()),
        { body: { destinationConfiguration: TO_FIREHOSE } });
      const unknownIngestion = await postDestination(emu, bundleArn, `${bundleArn}/ingestion/${randomUUID()}`);

      // THEN
      expect(byUuid.status).toBe(200);
      expect(byUuid.json.ingestionDestination.arn).toBe(arn);
      for (const reply of [arnUnderB, uuidUnderB, deleteUnderB, unknown, unknownIngestion]) {
        expect(reply.status).toBe(404);
        expect(reply.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
      }
      expect(emu.destinations().map((d) => [d.arn, d.destinationConfiguration])).toEqual([[arn, TO_S3]]);
    });

    test('a sixth destination of an ingestion answers ServiceQuotaExceededException; other ingestions are not counted', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const full = await createIngestion(emu, bundleArn);
      const other = await createIngestion(emu, bundleArn, { tenantId: 'tenant-2' });
      for (let i = 0; i < 5; i++) {
        await createDestination(emu, bundleArn, full);
      }

      // WHEN
      const sixth = await postDestination(emu, bundleArn, full);
      const onOther = await postDestination(emu, bundleArn, other);

      // THEN
      expect(sixth.status).toBe(402);
      expect(sixth.headers['x-amzn-errortype']).toBe('ServiceQuotaExceededException');
      expect(sixth.json.message).toContain('the quota is 5');
      expect(onOther.status).toBe(201);
      expect(emu.destinations(full)).toHaveLength(5);
    });

    test('DeleteIngestion of a stopped ingestion with destinations answers ConflictException until they are deleted', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const first = await createDestination(emu, bundleArn, ingestionArn);
      const second = await createDestination(emu, bundleArn, ingestionArn, { destinationConfiguration: TO_FIREHOSE });
      emu.setIngestionState(ingestionArn, 'disabled');

      // WHEN
      const withTwo = await send(emu, 'DELETE', ingestionPath(bundleArn, ingestionArn));
      await send(emu, 'DELETE', destinationPath(bundleArn, ingestionArn, first));
      const withOne = await send(emu, 'DELETE', ingestionPath(bundleArn, ingestionArn));
      await send(emu, 'DELETE', destinationPath(bundleArn, ingestionArn, second));
      const withNone = await send(emu, 'DELETE', ingestionPath(bundleArn, ingestionArn));

      // THEN
      expect([withTwo.status, withTwo.headers['x-amzn-errortype']]).toEqual([409, 'ConflictException']);
      expect(withTwo.json.message).toBe(`ingestion has 2 destinations: delete them first: ${ingestionArn}`);
      expect(withOne.status).toBe(409);
      expect(withOne.json.message).toBe(`ingestion has 1 destination: delete them first: ${ingestionArn}`);
      expect(withNone.status).toBe(204);
      expect(emu.ingestions()).toEqual([]);
    });

    test('DeleteIngestion of an enabled ingestion with destinations is refused for being enabled first', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      await createDestination(emu, bundleArn, ingestionArn);

      // WHEN
      const reply = await send(emu, 'DELETE', ingestionPath(bundleArn, ingestionArn));

      // THEN
      expect(reply.status).toBe(409);
      expect(reply.json.message).toContain('ingestion must be stopped before it is deleted');
      expect(emu.ingestions()).toHaveLength(1);
      expect(emu.destinations(ingestionArn)).toHaveLength(1);
    });

    test('the same clientToken and parameters, in any key order or with null members, return the same destination', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const clientToken = randomUUID();
      const tags = [{ key: 'a', value: '1' }, { key: 'b', value: '2' }];

      // WHEN
      const first = await postDestination(emu, bundleArn, ingestionArn, { clientToken, tags });
      const second = await send(emu, 'POST', destinationsPath(bundleArn, ingestionArn), {
        body: {
          tags: [...tags].reverse(),
          destinationConfiguration: { auditLog: { destination: { ...TO_S3.auditLog.destination, firehoseStream: null } } },
          processingConfiguration: { auditLog: { format: 'json', schema: 'ocsf' } },
          clientToken,
        },
      });

      // THEN
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.json.ingestionDestination).toEqual(first.json.ingestionDestination);
      expect(emu.destinations()).toHaveLength(1);
    });

    test('the same clientToken with other parameters answers IdempotentParameterMismatch', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const clientToken = randomUUID();
      await createDestination(emu, bundleArn, ingestionArn, { clientToken });

      // WHEN
      const reply = await postDestination(emu, bundleArn, ingestionArn, { clientToken, destinationConfiguration: TO_FIREHOSE });

      // THEN
      expect(reply.status).toBe(400);
      expect(reply.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(reply.json.message).toContain('IdempotentParameterMismatch');
      expect(emu.destinations().map((d) => d.destinationConfiguration)).toEqual([TO_S3]);
    });

    test('a destination is tagged, untagged and listed by ARN, and its tags go when it is deleted', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const arn = await createDestination(emu, bundleArn, ingestionArn, { tags: [{ key: 'team', value: 'security' }] });

      // WHEN
      const tagged = await send(emu, 'POST', tagsPath(arn), { body: { tags: [{ key: 'env', value: 'test' }] } });
      const untagged = await send(emu, 'DELETE', tagsPath(arn), { query: { tagKeys: ['team'] } });
      const listed = await send(emu, 'GET', tagsPath(arn));
      const tagsBeforeDelete = emu.tagsOf(arn);
      await send(emu, 'DELETE', destinationPath(bundleArn, ingestionArn, arn));
      const listedAfterDelete = await send(emu, 'GET', tagsPath(arn));

      // THEN
      expect([tagged.status, untagged.status]).toEqual([200, 200]);
      expect([listed.status, listed.json]).toEqual([200, { tags: [{ key: 'env', value: 'test' }] }]);
      expect(tagsBeforeDelete).toEqual({ env: 'test' });
      expect(emu.tagsOf(arn)).toEqual({});
      expect(listedAfterDelete.status).toBe(404);
      expect(emu.tagsOf(ingestionArn)).toEqual({});
    });

    test('UpdateIngestionDestination refuses processingConfiguration and changes nothing', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const arn = await createDestination(emu, bundleArn, ingestionArn);

      // WHEN
      const reply = await send(emu, 'PATCH', destinationPath(bundleArn, ingestionArn, arn), {
        body: { destinationConfiguration: TO_FIREHOSE, processingConfiguration: { auditLog: { schema: 'raw', format: 'json' } } },
      });

      // THEN
      expect(reply.status).toBe(400);
      expect(reply.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(reply.json.message).toContain("'processingConfiguration'");
      expect(reply.json.message).toContain('is not part of the UpdateIngestionDestination input');
      expect(emu.destinations()).toEqual([expect.objectContaining({
        processingConfiguration: OCSF_JSON, destinationConfiguration: TO_S3,
      })]);
    });

    test('faults apply to destination operations; a lost create answer is recovered by its clientToken', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const clientToken = randomUUID();
      emu.injectFault({ operation: 'CreateIngestionDestination', fault: { kind: 'lose-answer' } });
      emu.injectFault({ operation: 'ListIngestionDestinations', fault: { kind: 'status', statusCode: 503 } });

      // WHEN
      const lost = postDestination(emu, bundleArn, ingestionArn, { clientToken });
      await expect(lost).rejects.toThrow(/socket hang up|ECONNRESET/);
      const retried = await postDestination(emu, bundleArn, ingestionArn, { clientToken });
      const listed = await send(emu, 'GET', destinationsPath(bundleArn, ingestionArn));

      // THEN
      expect(retried.status).toBe(201);
      expect(emu.destinations().map((d) => d.arn)).toEqual([retried.json.ingestionDestination.arn]);
      expect([listed.status, listed.headers['x-amzn-errortype']]).toEqual([503, 'InternalServerException']);
      expect(emu.calls.slice(1).map((c) => [c.operation, c.fault])).toEqual([
        ['CreateIngestionDestination', 'lose-answer'],
        ['CreateIngestionDestination', undefined],
        ['ListIngestionDestinations', 'status'],
      ]);
    });

    test('reset forgets destinations, their tags and their clientTokens', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const clientToken = randomUUID();
      const arn = await createDestination(emu, bundleArn, ingestionArn, { clientToken, tags: [{ key: 'k', value: 'v' }] });

      // WHEN
      emu.reset();
      const newIngestion = await createIngestion(emu, bundleArn);
      const reused = await postDestination(emu, bundleArn, newIngestion, { clientToken });

      // THEN
      expect(emu.tagsOf(arn)).toEqual({});
      expect(reused.status).toBe(201);
      expect(emu.destinations().map((d) => d.ingestionArn)).toEqual([newIngestion]);
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

    const both = { auditLog: { destination: { s3Bucket: { bucketName: 'audit-logs' }, firehoseStream: { streamName: 'audit-stream' } } } };
    const destinationPathName = 'destinationConfiguration.auditLog.destination';
    const s3 = (s3Bucket: Record<string, unknown>) => ({ auditLog: { destination: { s3Bucket } } });

    test.each([
      ['no processing member set', { processingConfiguration: {} }, 'processingConfiguration', 'no members set'],
      ['no destination member set', { destinationConfiguration: { auditLog: { destination: {} } } }, destinationPathName,
        'must have exactly one of [s3Bucket, firehoseStream] set'],
      ['two destination members set', { destinationConfiguration: both }, destinationPathName,
        'Value with members [s3Bucket, firehoseStream] set'],
      ['an unknown processing member', { processingConfiguration: { ...OCSF_JSON, userAccess: {} } },
        'processingConfiguration.userAccess', 'is not part of the structure'],
      ['a schema other than ocsf or raw', { processingConfiguration: { auditLog: { schema: 'cef', format: 'json' } } },
        'processingConfiguration.auditLog.schema', 'enum value set: [ocsf, raw]'],
      ['a format other than json or parquet', { processingConfiguration: { auditLog: { schema: 'ocsf', format: 'csv' } } },
        'processingConfiguration.auditLog.format', 'enum value set: [json, parquet]'],
      ['a missing format', { processingConfiguration: { auditLog: { schema: 'ocsf' } } },
        'processingConfiguration.auditLog.format', 'must not be null'],
      ['a missing destinationConfiguration', { destinationConfiguration: undefined }, 'destinationConfiguration', 'must not be null'],
      ['a 2-character bucketName', { destinationConfiguration: s3({ bucketName: 'ab' }) },
        `${destinationPathName}.s3Bucket.bucketName`, 'greater than or equal to 3'],
      ['a 64-character bucketName', { destinationConfiguration: s3({ bucketName: 'b'.repeat(64) }) },
        `${destinationPathName}.s3Bucket.bucketName`, 'less than or equal to 63'],
      ['an empty prefix', { destinationConfiguration: s3({ bucketName: 'abc', prefix: '' }) },
        `${destinationPathName}.s3Bucket.prefix`, 'greater than or equal to 1'],
      ['a 121-character prefix', { destinationConfiguration: s3({ bucketName: 'abc', prefix: 'p'.repeat(121) }) },
        `${destinationPathName}.s3Bucket.prefix`, 'less than or equal to 120'],
      ['a 65-character streamName', { destinationConfiguration: { auditLog: { destination: { firehoseStream: { streamName: 's'.repeat(65) } } } } },
        `${destinationPathName}.firehoseStream.streamName`, 'less than or equal to 64'],
      ['a bad clientToken', { clientToken: randomUUID().toUpperCase() }, 'clientToken', 'regular expression pattern'],
      ['51 tags', { tags: tags51 }, 'tags', 'less than or equal to 50'],
    ])('CreateIngestionDestination with %s answers ValidationException naming the path', async (_, overrides, path, rule) => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);

      // WHEN
      const reply = await postDestination(emu, bundleArn, ingestionArn, overrides);

      // THEN
      expect(reply.status).toBe(400);
      expect(reply.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(reply.json.message).toContain(`at '${path}' failed to satisfy constraint`);
      expect(reply.json.message).toContain(rule);
      expect(emu.destinations()).toEqual([]);
    });

    test('boundary lengths of bucketName, prefix and streamName are accepted', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const configurations = [
        s3({ bucketName: 'b'.repeat(3), prefix: 'p' }),
        s3({ bucketName: 'b'.repeat(63), prefix: 'p'.repeat(120) }),
        { auditLog: { destination: { firehoseStream: { streamName: 's'.repeat(3) } } } },
        { auditLog: { destination: { firehoseStream: { streamName: 's'.repeat(64) } } } },
      ];

      // WHEN
      const replies = [];
      for (const destinationConfiguration of configurations) {
        replies.push(await postDestination(emu, bundleArn, ingestionArn, { destinationConfiguration }));
      }

      // THEN
      expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    });

    test('UpdateIngestionDestination with two destination members set answers ValidationException and changes nothing', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);
      const arn = await createDestination(emu, bundleArn, ingestionArn);

      // WHEN
      const reply = await send(emu, 'PATCH', destinationPath(bundleArn, ingestionArn, arn), { body: { destinationConfiguration: both } });

      // THEN
      expect(reply.status).toBe(400);
      expect(reply.json.message).toContain(`'${destinationPathName}'`);
      expect(emu.destinations().map((d) => d.destinationConfiguration)).toEqual([TO_S3]);
    });

    test('a destination identifier that is neither an ARN nor a UUID answers ValidationException', async () => {
      // GIVEN
      const bundleArn = emu.createAppBundle();
      const ingestionArn = await createIngestion(emu, bundleArn);

      // WHEN
      const reply = await send(emu, 'GET', destinationPath(bundleArn, ingestionArn, 'my-destination'));

      // THEN
      expect(reply.status).toBe(400);
      expect(reply.json.message).toContain("'ingestionDestinationIdentifier'");
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
    test('every served route is the API model route of its operation, and all 14 operations are served', () => {
      // THEN
      expect(emu.routes.map((r) => r.operation).sort()).toEqual([...OPERATIONS].sort());
      expect(OPERATIONS).toHaveLength(14);
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
      const destinationArn = `${ingestionArn}/ingestiondestination/${randomUUID()}`;

      // WHEN
      for (const route of emu.routes) {
        const path = route.pathTemplate
          .replace('{appBundleIdentifier}', enc(bundleArn))
          .replace('{ingestionIdentifier}', enc(ingestionArn))
          .replace('{ingestionDestinationIdentifier}', enc(destinationArn))
          .replace('{resourceArn}', enc(bundleArn));
        await send(emu, route.method, path);
      }

      // THEN
      expect(emu.calls.map((c) => c.operation)).toEqual(emu.routes.map((r) => r.operation));
      expect(emu.calls.map((c) => c.errorType)).not.toContain('UnknownOperationException');
      expect(emu.routes.map((r) => r.method)).toContain('PATCH');
      expect(emu.callsOf('UpdateIngestionDestination')[0].input.labels.ingestionDestinationIdentifier).toBe(destinationArn);
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
