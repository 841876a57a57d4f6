import { OWNER_TAG_KEY } from '../lib/owner-tag';
import {
  AppFabricClient, DestinationConfiguration, IngestionDestinationIdentifiers, isAppFabricError, ProcessingConfiguration,
} from './appfabric';
import { clientTokenFor, HandlerResult, parseIngestionArn } from './ingestion';
import { Logger } from './log';
import { normaliseTags, TagMap, toTagList, updateResourceTags } from './tags';

/** The custom resource type the construct library declares for an ingestion destination. */
export const DESTINATION_RESOURCE_TYPE = 'Custom::AppFabricIngestionDestination';

const DESTINATION_ARN_PATTERN = /^(arn:[^:]+:appfabric:[^:]*:[^:]*:appbundle\/[^/]+\/ingestion\/[^/]+)\/ingestiondestination\/[^/]+$/;

/** The custom resource's properties, as the construct renders them. */
export interface DestinationProperties {
  readonly appBundleIdentifier: string;
  readonly ingestionIdentifier: string;
  readonly processing: ProcessingConfiguration;
  readonly destination: DestinationConfiguration;
  readonly tags: TagMap;
}

/**
 * Reads and checks the destination's properties; templates edited by hand fail with a reason.
 */
export function readDestinationProperties(raw: Record<string, unknown> | undefined): DestinationProperties {
  const properties = raw ?? {};
  const text = (value: unknown, name: string): string => {
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`property ${name} must be a non-empty string, got ${JSON.stringify(value ?? null).slice(0, 200)}`);
    }
    return value;
  };

  const target = (properties.Destination ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const kinds = Object.keys(target);
  let destination: DestinationConfiguration['auditLog']['destination'];
  if (kinds.length === 1 && target.S3Bucket) {
    // An empty prefix, as a parameter with an empty default gives, is no prefix.
    const prefix = target.S3Bucket.Prefix === '' ? undefined : target.S3Bucket.Prefix;
    destination = {
      s3Bucket: {
        bucketName: text(target.S3Bucket.BucketName, 'Destination.S3Bucket.BucketName'),
        ...(prefix === undefined ? {} : { prefix: text(prefix, 'Destination.S3Bucket.Prefix') }),
      },
    };
  } else if (kinds.length === 1 && target.FirehoseStream) {
    destination = { firehoseStream: { streamName: text(target.FirehoseStream.StreamName, 'Destination.FirehoseStream.StreamName') } };
  } else {
    throw new Error('property Destination must hold exactly one of S3Bucket or FirehoseStream, '
      + `got ${JSON.stringify(properties.Destination ?? null).slice(0, 200)}`);
  }

  return {
    appBundleIdentifier: text(properties.AppBundleIdentifier, 'AppBundleIdentifier'),
    ingestionIdentifier: text(properties.IngestionIdentifier, 'IngestionIdentifier'),
    processing: { auditLog: { schema: text(properties.Schema, 'Schema'), format: text(properties.Format, 'Format') } },
    destination: { auditLog: { destination } },
    tags: normaliseTags(properties.Tags),
  };
}

/** Splits a destination ARN into the identifiers AppFabric's destination operations take. */
export function parseDestinationArn(physicalResourceId: string): IngestionDestinationIdentifiers | undefined {
  const match = DESTINATION_ARN_PATTERN.exec(physicalResourceId);
  const ingestion = match ? parseIngestionArn(match[1]) : undefined;
  return ingestion && { ...ingestion.identifiers, ingestionDestinationIdentifier: physicalResourceId };
}

/**
 * Whether a change needs a new destination: AppFabric updates a destination's target in place,
 * but not its ingestion or its processing.
 */
export function destinationRequiresReplacement(oldProps: DestinationProperties, newProps: DestinationProperties): boolean {
  return oldProps.ingestionIdentifier !== newProps.ingestionIdentifier
    || JSON.stringify(oldProps.processing) !== JSON.stringify(newProps.processing);
}

/**
 * Create, update and delete decisions for `Custom::AppFabricIngestionDestination`.
 */
export class DestinationLifecycle {
  constructor(
    private readonly client: AppFabricClient,
    private readonly log: Logger,
    /** The owner tag value of the resource this event is for. */
    private readonly owner: string,
  ) {}

  public async create(props: DestinationProperties, requestId: string): Promise<HandlerResult> {
    const { ingestionDestination } = await this.client.createIngestionDestination({
      appBundleIdentifier: props.appBundleIdentifier,
      ingestionIdentifier: props.ingestionIdentifier,
      processingConfiguration: props.processing,
      destinationConfiguration: props.destination,
      clientToken: clientTokenFor(requestId),
      tags: toTagList({ ...props.tags, [OWNER_TAG_KEY]: this.owner }),
    });
    this.log.info('destination created', { operation: 'CreateIngestionDestination', outcome: 'success', arn: ingestionDestination.arn });
    return resultFor(ingestionDestination.arn);
  }

  public async update(
    physicalResourceId: string, oldProps: DestinationProperties, newProps: DestinationProperties, requestId: string,
  ): Promise<HandlerResult> {
    const ids = parseDestinationArn(physicalResourceId);
    if (!ids || destinationRequiresReplacement(oldProps, newProps)) {
      this.log.info('replacing destination', { operation: 'CreateIngestionDestination' });
      return this.takeBackOrCreate(newProps, requestId);
    }

    try {
      if (JSON.stringify(oldProps.destination) !== JSON.stringify(newProps.destination)) {
        await this.client.updateIngestionDestination({ ...ids, destinationConfiguration: newProps.destination });
        this.log.info('destination updated', { operation: 'UpdateIngestionDestination', outcome: 'success' });
      }
      await updateResourceTags(this.client, this.log, physicalResourceId, oldProps.tags, newProps.tags);
    } catch (error) {
      if (!isAppFabricError(error, 'ResourceNotFoundException')) {
        throw error;
      }
      // Deleted outside CloudFormation: make it again, and CloudFormation's delete of the old id finds nothing.
      this.log.warn('destination not found, creating it again', { outcome: 'not-found' });
      return this.create(newProps, requestId);
    }
    return resultFor(physicalResourceId);
  }

  public async delete(physicalResourceId: string, _props?: DestinationProperties): Promise<HandlerResult> {
    const ids = parseDestinationArn(physicalResourceId);
    if (!ids) {
      this.log.info('no destination was created for this resource, nothing to delete', { outcome: 'skipped' });
      return { physicalResourceId };
    }
    try {
      await this.client.deleteIngestionDestination(ids);
      this.log.info('destination deleted', { operation: 'DeleteIngestionDestination', outcome: 'success' });
    } catch (error) {
      if (!isAppFabricError(error, 'ResourceNotFoundException')) {
        throw error;
      }
      this.log.info('destination already gone', { operation: 'DeleteIngestionDestination', outcome: 'not-found' });
    }
    return { physicalResourceId };
  }

  /**
   * A replacement first looks for a destination this resource made with exactly these properties:
   * when CloudFormation rolls a replacement back, the old destination still exists and is the answer.
   */
  private async takeBackOrCreate(props: DestinationProperties, requestId: string): Promise<HandlerResult> {
    const ingestion = { appBundleIdentifier: props.appBundleIdentifier, ingestionIdentifier: props.ingestionIdentifier };
    for (const arn of await this.client.listAllIngestionDestinations(ingestion)) {
      const { tags } = await this.client.listTagsForResource({ resourceArn: arn });
      if (!tags.some((tag) => tag.key === OWNER_TAG_KEY && tag.value === this.owner)) {
        continue;
      }
      const { ingestionDestination } = await this.client.getIngestionDestination({ ...ingestion, ingestionDestinationIdentifier: arn });
      const sameConfiguration = JSON.stringify(ingestionDestination.processingConfiguration) === JSON.stringify(props.processing)
        && sameDestination(ingestionDestination.destinationConfiguration, props.destination);
      if (sameConfiguration) {
        this.log.info('taking back a destination this resource made earlier', { outcome: 'adopted', arn });
        const current = normaliseTags(Object.fromEntries(tags.map((tag) => [tag.key, tag.value])));
        await updateResourceTags(this.client, this.log, arn, current, props.tags);
        return resultFor(arn);
      }
    }
    return this.create(props, requestId);
  }
}

/** Compares destination configurations the way AppFabric stores them: an absent prefix is no prefix. */
function sameDestination(a: DestinationConfiguration, b: DestinationConfiguration): boolean {
  const canonical = (configuration: DestinationConfiguration) => {
    const target = configuration.auditLog.destination as { s3Bucket?: { bucketName: string; prefix?: string }; firehoseStream?: object };
    return JSON.stringify(target.s3Bucket ? { s3Bucket: { bucketName: target.s3Bucket.bucketName, prefix: target.s3Bucket.prefix ?? '' } } : target);
  };
  return canonical(a) === canonical(b);
}

function resultFor(arn: string): HandlerResult {
  return { physicalResourceId: arn, data: { Arn: arn } };
}
