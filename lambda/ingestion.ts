import { createHash } from 'crypto';
import { AppFabricClient, AppFabricError, Ingestion, IngestionIdentifiers } from './appfabric';
import { Logger } from './log';
import { diffTags, normaliseTags, TagMap, toTagList } from './tags';

/** The custom resource type the construct library declares for an ingestion. */
export const INGESTION_RESOURCE_TYPE = 'Custom::AppFabricIngestion';

const UUID_PATTERN = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;
const INGESTION_ARN_PATTERN = /^(arn:[^:]+:appfabric:[^:]*:[^:]*:appbundle\/[^/]+)\/ingestion\/([^/]+)$/;

/** The custom resource's properties, as the construct renders them. */
export interface IngestionProperties {
  readonly appBundleIdentifier: string;
  readonly app: string;
  readonly tenantId: string;
  readonly ingestionType: string;
  readonly tags: TagMap;
}

export interface ParsedIngestionArn {
  readonly appBundleArn: string;
  readonly ingestionId: string;
  /** What AppFabric's ingestion operations take to name the ingestion. */
  readonly identifiers: IngestionIdentifiers;
}

/** What the handler tells CloudFormation on success. */
export interface HandlerResult {
  readonly physicalResourceId: string;
  readonly data?: Record<string, string>;
}

/**
 * Reads and checks the custom resource's properties. The construct validates them at synth
 * time; this catches templates edited by hand, with a reason CloudFormation can show.
 */
export function readIngestionProperties(raw: Record<string, unknown> | undefined): IngestionProperties {
  const properties = raw ?? {};
  const text = (name: string, fallback?: string): string => {
    const value = properties[name] ?? fallback;
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`property ${name} must be a non-empty string, got ${JSON.stringify(value ?? null).slice(0, 200)}`);
    }
    return value;
  };
  return {
    appBundleIdentifier: text('AppBundleIdentifier'),
    app: text('App'),
    tenantId: text('TenantId'),
    ingestionType: text('IngestionType', 'auditLog'),
    tags: normaliseTags(properties.Tags),
  };
}

/**
 * The clientToken for CreateIngestion: the CloudFormation RequestId, so that a repeated request
 * finds the ingestion it already made. AppFabric wants a lowercase UUID; any other RequestId is
 * mapped to one through a hash, so that the same request always gets the same token.
 */
export function clientTokenFor(requestId: string): string {
  if (UUID_PATTERN.test(requestId)) {
    return requestId.toLowerCase();
  }
  const hex = createHash('sha256').update(requestId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Splits an ingestion ARN into the identifiers AppFabric's ingestion operations take.
 *
 * @returns undefined for a physical id that is not an ingestion ARN (a create that failed)
 */
export function parseIngestionArn(physicalResourceId: string): ParsedIngestionArn | undefined {
  const match = INGESTION_ARN_PATTERN.exec(physicalResourceId);
  if (!match) {
    return undefined;
  }
  return {
    appBundleArn: match[1],
    ingestionId: match[2],
    identifiers: { appBundleIdentifier: match[1], ingestionIdentifier: physicalResourceId },
  };
}

/**
 * Whether moving from the old properties to the new ones needs a new ingestion. AppFabric cannot
 * change an ingestion's app, tenant, bundle or type; tags are updated in place.
 */
export function requiresReplacement(oldProps: IngestionProperties, newProps: IngestionProperties): boolean {
  return oldProps.app !== newProps.app
    || oldProps.tenantId !== newProps.tenantId
    || oldProps.ingestionType !== newProps.ingestionType
    || bundleId(oldProps.appBundleIdentifier) !== bundleId(newProps.appBundleIdentifier);
}

/** A bundle given once by ARN and once by UUID is the same bundle: compare the UUIDs. */
function bundleId(identifier: string): string {
  const marker = ':appbundle/';
  const index = identifier.indexOf(marker);
  return (index >= 0 ? identifier.slice(index + marker.length) : identifier).toLowerCase();
}

/**
 * Create, update and delete decisions for `Custom::AppFabricIngestion`.
 *
 * The handler keeps a managed ingestion enabled: it starts one that AppFabric created disabled,
 * so that the `State` attribute is known without asking AppFabric on every update.
 */
export class IngestionLifecycle {
  constructor(private readonly client: AppFabricClient, private readonly log: Logger) {}

  public async create(props: IngestionProperties, requestId: string): Promise<HandlerResult> {
    const clientToken = clientTokenFor(requestId);
    const tags = toTagList(props.tags);
    const { ingestion } = await this.client.createIngestion({
      appBundleIdentifier: props.appBundleIdentifier,
      app: props.app,
      tenantId: props.tenantId,
      ingestionType: props.ingestionType,
      clientToken,
      tags: tags.length > 0 ? tags : undefined,
    });
    this.log.info('ingestion created', { operation: 'CreateIngestion', outcome: 'success', ingestionArn: ingestion.arn, clientToken });

    if (ingestion.state !== 'enabled') {
      await this.startNewIngestion(ingestion);
    }
    return resultFor(ingestion.arn);
  }

  public async update(
    physicalResourceId: string, oldProps: IngestionProperties, newProps: IngestionProperties, requestId: string,
  ): Promise<HandlerResult> {
    if (!parseIngestionArn(physicalResourceId) || requiresReplacement(oldProps, newProps)) {
      // A new physical id makes CloudFormation delete the old ingestion once the update succeeds.
      this.log.info('replacing ingestion', { operation: 'CreateIngestion' });
      return this.create(newProps, requestId);
    }

    try {
      await this.updateTags(physicalResourceId, oldProps.tags, newProps.tags);
    } catch (error) {
      if (!isError(error, 'ResourceNotFoundException')) {
        throw error;
      }
      // Deleted outside CloudFormation: make it again, and CloudFormation's delete of the old id finds nothing.
      this.log.warn('ingestion not found, creating it again', { outcome: 'not-found' });
      return this.create(newProps, requestId);
    }
    return resultFor(physicalResourceId);
  }

  public async delete(physicalResourceId: string): Promise<HandlerResult> {
    const ids = parseIngestionArn(physicalResourceId)?.identifiers;
    if (!ids) {
      this.log.info('no ingestion was created for this resource, nothing to delete', { outcome: 'skipped' });
      return { physicalResourceId };
    }

    // AppFabric deletes only stopped ingestions. Stopping one that is already stopped is refused
    // with a conflict, which is the state wanted.
    try {
      await this.client.stopIngestion(ids);
      this.log.info('ingestion stopped', { operation: 'StopIngestion', outcome: 'success' });
    } catch (error) {
      if (isError(error, 'ResourceNotFoundException')) {
        this.log.info('ingestion already gone', { operation: 'StopIngestion', outcome: 'not-found' });
        return { physicalResourceId };
      }
      if (!isError(error, 'ConflictException')) {
        throw error;
      }
      this.log.info('ingestion not running', { operation: 'StopIngestion', outcome: 'conflict', reason: (error as Error).message });
    }

    try {
      await this.client.deleteIngestion(ids);
      this.log.info('ingestion deleted', { operation: 'DeleteIngestion', outcome: 'success' });
    } catch (error) {
      if (!isError(error, 'ResourceNotFoundException')) {
        throw error;
      }
      this.log.info('ingestion already gone', { operation: 'DeleteIngestion', outcome: 'not-found' });
    }
    return { physicalResourceId };
  }

  private async updateTags(resourceArn: string, oldTags: TagMap, newTags: TagMap): Promise<void> {
    const { toSet, toRemove } = diffTags(oldTags, newTags);
    if (toRemove.length > 0) {
      await this.client.untagResource({ resourceArn, tagKeys: toRemove });
      this.log.info('tags removed', { operation: 'UntagResource', outcome: 'success', tagKeys: toRemove });
    }
    if (toSet.length > 0) {
      await this.client.tagResource({ resourceArn, tags: toSet });
      this.log.info('tags set', { operation: 'TagResource', outcome: 'success', tagKeys: toSet.map((tag) => tag.key) });
    }
    if (toRemove.length === 0 && toSet.length === 0) {
      this.log.info('nothing to change', { outcome: 'unchanged' });
    }
  }

  private async startNewIngestion(ingestion: Ingestion): Promise<void> {
    const ids = parseIngestionArn(ingestion.arn)!.identifiers;
    try {
      await this.client.startIngestion(ids);
      this.log.info('ingestion started', { operation: 'StartIngestion', outcome: 'success' });
    } catch (error) {
      if (isError(error, 'ConflictException')) {
        return;
      }
      // CloudFormation will not delete what it never got a physical id for: remove it here.
      this.log.error('could not start the new ingestion, deleting it', { operation: 'StartIngestion', outcome: 'failed' });
      await this.client.deleteIngestion(ids).catch((cleanupError: Error) => {
        this.log.error('could not delete the new ingestion', { operation: 'DeleteIngestion', reason: cleanupError.message });
      });
      throw error;
    }
  }
}

function resultFor(ingestionArn: string): HandlerResult {
  const { appBundleArn, ingestionId } = parseIngestionArn(ingestionArn)!;
  return {
    physicalResourceId: ingestionArn,
    data: { Arn: ingestionArn, Id: ingestionId, AppBundleArn: appBundleArn, State: 'enabled' },
  };
}

function isError(error: unknown, name: string): boolean {
  return error instanceof AppFabricError && error.name === name;
}
