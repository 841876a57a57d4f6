import { Annotations, CfnResource, ITaggable, Lazy, Resource, Stack, TagManager, Tags, Token } from 'aws-cdk-lib';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { IIngestion } from './ingestion';
import { MAX_USER_TAGS } from './owner-tag';
import { IngestionProvider } from './provider';
import { newTagManager, renderTagProperty, renderTags } from './tagging';
import { checkLength, checkTags, showValue, warnOutsideAppFabricRegions } from './validation';

/** The CloudFormation type of the custom resource; the handler dispatches on it. */
const RESOURCE_TYPE = 'Custom::AppFabricIngestionDestination';

/** The tag AppFabric's service-linked role requires on a Firehose stream it writes to. */
const FIREHOSE_MANAGED_TAG = 'AWSAppFabricManaged';

/** AppFabric's limit on destinations per ingestion, which cannot be raised. */
const MAX_DESTINATIONS = 5;

/**
 * The format AppFabric writes audit logs in.
 */
export enum ProcessingFormat {
  /** JSON */
  JSON = 'json',
  /** Apache Parquet */
  PARQUET = 'parquet',
}

/**
 * The schema AppFabric gives the audit logs it writes.
 */
export enum ProcessingSchema {
  /** Normalized to the Open Cybersecurity Schema Framework. */
  OCSF = 'ocsf',
  /** As the application produced them. */
  RAW = 'raw',
}

/**
 * Options for an S3 bucket destination.
 */
export interface S3DestinationOptions {
  /**
   * A prefix for the objects AppFabric writes, below its own `AWSAppFabric/` prefix.
   *
   * @default - no prefix of your own
   */
  readonly prefix?: string;
}

/**
 * Where AppFabric delivers an ingestion's audit logs.
 */
export abstract class DestinationTarget {
  /**
   * An S3 bucket in the stack's account. AppFabric writes below the `AWSAppFabric/` prefix, which
   * its service-linked role may write to in buckets of its own account.
   */
  public static s3Bucket(bucket: s3.IBucket, options: S3DestinationOptions = {}): DestinationTarget {
    if (typeof bucket?.bucketName !== 'string') {
      throw new Error(`DestinationTarget.s3Bucket needs an s3.IBucket, got ${showValue(bucket)}`);
    }
    return new S3Target(bucket, options);
  }

  /**
   * An Amazon Data Firehose delivery stream. AppFabric's service-linked role writes only to streams
   * tagged `AWSAppFabricManaged=true`: a stream of this app is tagged for you; an imported one must
   * carry the tag already.
   */
  public static firehoseStream(stream: firehose.IDeliveryStream): DestinationTarget {
    if (typeof stream?.deliveryStreamName !== 'string') {
      throw new Error(`DestinationTarget.firehoseStream needs a kinesisfirehose.IDeliveryStream, got ${showValue(stream?.node?.path ?? stream)}`);
    }
    return new FirehoseTarget(stream);
  }

  /**
   * The destination as the custom resource's `Destination` property renders it.
   *
   * @internal
   */
  public abstract _render(scope: Construct): Record<string, unknown>;
}

class S3Target extends DestinationTarget {
  constructor(private readonly bucket: s3.IBucket, private readonly options: S3DestinationOptions) {
    super();
  }

  public _render(scope: Construct): Record<string, unknown> {
    const bucketAccount = this.bucket.env.account;
    const account = Stack.of(scope).account;
    if (!Token.isUnresolved(bucketAccount) && !Token.isUnresolved(account) && bucketAccount !== account) {
      throw new Error(`destination bucket ${this.bucket.node.path} is in account ${bucketAccount}, but AppFabric writes only to `
        + `buckets of its own account ${account}`);
    }
    if (this.bucket.encryptionKey) {
      Annotations.of(scope).addWarningV2('cdk-appfabric-ingestion:bucketKmsKey', `bucket ${this.bucket.node.path} is `
        + 'encrypted with a KMS key: AppFabric\'s service-linked role has no KMS permissions, so its writes fail unless the key '
        + 'policy allows them; S3-managed encryption works as it is');
    }
    // AppFabric's S3Bucket takes a bucket name of 3 to 63 characters and a prefix of 1 to 120.
    const errors = [
      checkLength('bucket name', this.bucket.bucketName, 3, 63),
      this.options.prefix === undefined ? undefined : checkLength('prefix', this.options.prefix, 1, 120),
    ].filter((error): error is string => error !== undefined);
    if (errors.length > 0) {
      throw new Error(`invalid S3 destination of ${scope.node.path}: ${errors.join('; ')}`);
    }
    return { S3Bucket: { BucketName: this.bucket.bucketName, Prefix: this.options.prefix } };
  }
}

class FirehoseTarget extends DestinationTarget {
  constructor(private readonly stream: firehose.IDeliveryStream) {
    super();
  }

  public _render(scope: Construct): Record<string, unknown> {
    const nameError = checkLength('delivery stream name', this.stream.deliveryStreamName, 3, 64);
    if (nameError) {
      throw new Error(`invalid Firehose destination of ${scope.node.path}: ${nameError}`);
    }
    if (Resource.isOwnedResource(this.stream)) {
      Tags.of(this.stream).add(FIREHOSE_MANAGED_TAG, 'true', { includeResourceTypes: ['AWS::KinesisFirehose::DeliveryStream'] });
    } else {
      Annotations.of(scope).addWarningV2('cdk-appfabric-ingestion:firehoseTag', `delivery stream ${this.stream.node.path} is `
        + `imported, so it cannot be tagged here: AppFabric writes only to streams tagged ${FIREHOSE_MANAGED_TAG}=true; `
        + 'tag it where it is defined');
    }
    return { FirehoseStream: { StreamName: this.stream.deliveryStreamName } };
  }
}

/**
 * Options of an ingestion destination, for `Ingestion.addDestination`.
 */
export interface IngestionDestinationOptions {
  /**
   * Where AppFabric delivers the audit logs. Changing the destination updates it in place.
   */
  readonly destination: DestinationTarget;

  /**
   * The format of the delivered logs. Changing it replaces the destination.
   *
   * @default ProcessingFormat.JSON
   */
  readonly format?: ProcessingFormat;

  /**
   * The schema of the delivered logs. Changing it replaces the destination.
   *
   * @default ProcessingSchema.OCSF
   */
  readonly schema?: ProcessingSchema;

  /**
   * Tags to put on the destination, in addition to those applied with `Tags.of(...)`.
   *
   * @default - only the tags applied with `Tags.of(...)`
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Properties of an ingestion destination.
 */
export interface IngestionDestinationProps extends IngestionDestinationOptions {
  /**
   * The ingestion whose audit logs are delivered.
   */
  readonly ingestion: IIngestion;
}

/**
 * Where an AppFabric ingestion delivers its audit logs: an S3 bucket or a Firehose delivery
 * stream. An ingestion takes at most 5 destinations. CloudFormation deletes destinations before
 * their ingestion, as AppFabric requires.
 *
 * @resource Custom::AppFabricIngestionDestination
 */
export class IngestionDestination extends Resource implements ITaggable {
  /**
   * The ARN of the destination.
   *
   * @attribute
   */
  public readonly ingestionDestinationArn: string;

  /** The ingestion whose audit logs are delivered. */
  public readonly ingestion: IIngestion;

  /**
   * Tags of the destination, managed by `Tags.of(...)`.
   */
  public readonly tags: TagManager;

  constructor(scope: Construct, id: string, props: IngestionDestinationProps) {
    super(scope, id);
    this.ingestion = props.ingestion;
    validateDestinationProps(this, props);

    this.tags = newTagManager(this, RESOURCE_TYPE, props.tags);
    this.node.addValidation({ validate: () => [...checkTags(renderTags(this.tags), MAX_USER_TAGS), ...this.checkDestinationLimit()] });
    warnOutsideAppFabricRegions(this);

    const resource = new CfnResource(this, 'Resource', {
      type: RESOURCE_TYPE,
      properties: {
        ...IngestionProvider.getOrCreate(this).serviceProperties(),
        AppBundleIdentifier: props.ingestion.appBundleArn,
        IngestionIdentifier: props.ingestion.ingestionArn,
        Format: props.format ?? ProcessingFormat.JSON,
        Schema: props.schema ?? ProcessingSchema.OCSF,
        Destination: props.destination._render(this),
        Tags: Lazy.any({ produce: () => renderTagProperty(this.tags) }),
      },
    });
    this.ingestionDestinationArn = resource.ref;
  }

  /**
   * An ingestion takes at most 5 destinations: count this app's destinations of the same ingestion,
   * by object or by literal ARN, and report it once, on the first.
   */
  private checkDestinationLimit(): string[] {
    const same = (other: IIngestion) => other === this.ingestion
      || (!Token.isUnresolved(other.ingestionArn) && other.ingestionArn === this.ingestion.ingestionArn);
    const destinations = this.node.root.node.findAll()
      .filter((construct): construct is IngestionDestination => construct instanceof IngestionDestination && same(construct.ingestion));
    if (destinations.length <= MAX_DESTINATIONS || destinations[0] !== this) {
      return [];
    }
    return [`an ingestion takes at most ${MAX_DESTINATIONS} destinations (AppFabric's limit), got ${destinations.length}: `
      + destinations.map((destination) => destination.node.path).join(', ')];
  }
}

/** Checks what the type system cannot enforce for JavaScript callers, and what AppFabric accepts. */
function validateDestinationProps(scope: Construct, props: IngestionDestinationProps): void {
  const errors: string[] = [];
  if (typeof props.ingestion?.ingestionArn !== 'string') {
    errors.push(`ingestion must be an IIngestion (an Ingestion or Ingestion.fromIngestionArn), got ${showValue(props.ingestion)}`);
  } else {
    // The handler calls AppFabric in its own stack's account and region.
    const stack = Stack.of(scope);
    for (const [what, theirs, ours] of [['region', props.ingestion.env.region, stack.region], ['account', props.ingestion.env.account, stack.account]]) {
      if (!Token.isUnresolved(theirs) && !Token.isUnresolved(ours) && theirs !== ours) {
        errors.push(`ingestion ${props.ingestion.ingestionArn} is in ${what} ${theirs}, but the destination's stack deploys to ${ours}: `
          + 'a destination is made by the handler of its own stack, in that stack\'s account and region');
      }
    }
  }
  if (!(props.destination instanceof DestinationTarget)) {
    errors.push('destination must be DestinationTarget.s3Bucket(...) or DestinationTarget.firehoseStream(...), '
      + `got ${showValue(props.destination)}`);
  }
  const formats = Object.values(ProcessingFormat) as string[];
  if (props.format !== undefined && !Token.isUnresolved(props.format) && !formats.includes(props.format)) {
    errors.push(`format must be one of ${formats.join(', ')}, got ${showValue(props.format)}`);
  }
  const schemas = Object.values(ProcessingSchema) as string[];
  if (props.schema !== undefined && !Token.isUnresolved(props.schema) && !schemas.includes(props.schema)) {
    errors.push(`schema must be one of ${schemas.join(', ')}, got ${showValue(props.schema)}`);
  }
  if (errors.length > 0) {
    throw new Error(`invalid IngestionDestination ${scope.node.path}: ${errors.join('; ')}`);
  }
}
