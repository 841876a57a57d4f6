import {
  CfnResource, Fn, IResource, ITaggable, Lazy, RemovalPolicy, Resource, Stack, TagManager, TagType, Token,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IngestionApp, IngestionType } from './ingestion-app';
import { IngestionProvider } from './provider';
import { checkLength, checkSameEnvironment, checkTags, parseAppBundle, showValue } from './validation';

/** The CloudFormation type of the custom resource; the handler dispatches on it. */
const RESOURCE_TYPE = 'Custom::AppFabricIngestion';

const INGESTION_ARN_PATTERN = /^arn:[a-z0-9-]+:appfabric:[a-z0-9-]+:\d{12}:appbundle\/[a-f0-9-]+\/ingestion\/[a-f0-9-]+$/;

/**
 * An AppFabric ingestion: audit logs collected from one SaaS application's tenant.
 */
export interface IIngestion extends IResource {
  /**
   * The ARN of the ingestion.
   *
   * @attribute
   */
  readonly ingestionArn: string;

  /**
   * The id (a UUID) of the ingestion.
   *
   * @attribute
   */
  readonly ingestionId: string;

  /**
   * The ARN of the app bundle the ingestion belongs to.
   *
   * @attribute
   */
  readonly appBundleArn: string;
}

/**
 * Properties of an AppFabric ingestion.
 */
export interface IngestionProps {
  /**
   * The app bundle to create the ingestion in, as its ARN or its UUID.
   *
   * AppFabric allows one app bundle per account and region; the bundle must be in the
   * stack's account and region.
   */
  readonly appBundle: string;

  /**
   * The application to collect audit logs from.
   */
  readonly app: IngestionApp;

  /**
   * The tenant of the application, as AppFabric's app authorization names it
   * (for example the Okta domain `acme.okta.com`). 1 to 1024 characters.
   */
  readonly tenantId: string;

  /**
   * The kind of data to collect.
   *
   * @default IngestionType.AUDIT_LOG
   */
  readonly ingestionType?: IngestionType;

  /**
   * Tags to put on the ingestion, in addition to those applied with `Tags.of(...)`.
   *
   * Keys that start with `aws:` are reserved by AWS and never sent.
   *
   * @default - only the tags applied with `Tags.of(...)` to the ingestion or its parents
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the ingestion when it is removed from the stack or the stack is deleted.
   *
   * `RemovalPolicy.RETAIN` leaves the ingestion running in AppFabric.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Attributes to import an existing ingestion.
 */
export interface IngestionAttributes {
  /**
   * The ARN of the ingestion
   * (`arn:<partition>:appfabric:<region>:<account>:appbundle/<bundleId>/ingestion/<ingestionId>`).
   */
  readonly ingestionArn: string;
}

abstract class IngestionBase extends Resource implements IIngestion {
  public abstract readonly ingestionArn: string;
  public abstract readonly ingestionId: string;
  public abstract readonly appBundleArn: string;
}

/**
 * An AWS AppFabric ingestion, managed by a custom resource.
 *
 * AppFabric collects the audit logs of one application tenant through the ingestion. Changing
 * `app`, `tenantId`, `appBundle` or `ingestionType` replaces the ingestion; changing tags updates
 * it in place.
 *
 * @resource Custom::AppFabricIngestion
 */
export class Ingestion extends IngestionBase implements ITaggable {
  /**
   * Imports an existing ingestion by its ARN.
   */
  public static fromIngestionArn(scope: Construct, id: string, ingestionArn: string): IIngestion {
    return Ingestion.fromIngestionAttributes(scope, id, { ingestionArn });
  }

  /**
   * Imports an existing ingestion from its attributes.
   */
  public static fromIngestionAttributes(scope: Construct, id: string, attrs: IngestionAttributes): IIngestion {
    const arn = attrs.ingestionArn;
    if (!Token.isUnresolved(arn) && !INGESTION_ARN_PATTERN.test(arn)) {
      throw new Error('ingestionArn must be an AppFabric ingestion ARN '
        + `(arn:<partition>:appfabric:<region>:<account>:appbundle/<bundleId>/ingestion/<ingestionId>), got ${showValue(arn)}`);
    }

    // arn:<partition>:appfabric:<region>:<account>:appbundle/<bundleId>/ingestion/<ingestionId>
    const slashParts = Fn.split('/', arn);
    class Import extends IngestionBase {
      public readonly ingestionArn = arn;
      public readonly ingestionId = Fn.select(3, slashParts);
      public readonly appBundleArn = Fn.join('/', [Fn.select(0, slashParts), Fn.select(1, slashParts)]);
    }
    return new Import(scope, id, { environmentFromArn: arn });
  }

  public readonly ingestionArn: string;
  public readonly ingestionId: string;
  public readonly appBundleArn: string;

  /**
   * The state of the ingestion (`enabled` or `disabled`) once the handler is done with it.
   *
   * @attribute
   */
  public readonly ingestionState: string;

  /**
   * Tags of the ingestion, managed by `Tags.of(...)`.
   */
  public readonly tags: TagManager;

  private readonly resource: CfnResource;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);

    this.validateProps(props);
    this.tags = new TagManager(TagType.MAP, RESOURCE_TYPE, props.tags);
    this.node.addValidation({ validate: () => checkTags(this.renderTags()) });

    const provider = IngestionProvider.getOrCreate(this);
    this.resource = new CfnResource(this, 'Resource', {
      type: RESOURCE_TYPE,
      properties: {
        ServiceToken: provider.serviceToken,
        ServiceTimeout: IngestionProvider.SERVICE_TIMEOUT.toSeconds(),
        AppBundleIdentifier: props.appBundle,
        App: props.app.name,
        TenantId: props.tenantId,
        IngestionType: props.ingestionType ?? IngestionType.AUDIT_LOG,
        Tags: Lazy.any({ produce: () => this.renderTagProperty() }),
      },
    });
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);

    this.ingestionArn = this.resource.ref;
    this.ingestionId = this.resource.getAtt('Id').toString();
    this.appBundleArn = this.resource.getAtt('AppBundleArn').toString();
    this.ingestionState = this.resource.getAtt('State').toString();
  }

  private validateProps(props: IngestionProps): void {
    const errors: string[] = [];
    const add = (error: string | undefined) => error && errors.push(error);

    add(checkLength('tenantId', props.tenantId, 1, 1024));
    add(checkLength('app', props.app.name, 1, 255));
    if (!Token.isUnresolved(props.appBundle)) {
      const bundle = parseAppBundle('appBundle', props.appBundle);
      add(typeof bundle === 'string'
        ? bundle
        : checkSameEnvironment('appBundle', props.appBundle, bundle, this.stack.region, this.stack.account));
    }
    if (props.removalPolicy === RemovalPolicy.SNAPSHOT) {
      errors.push('removalPolicy must be RemovalPolicy.DESTROY or RemovalPolicy.RETAIN, got RemovalPolicy.SNAPSHOT '
        + '(an ingestion has no snapshot)');
    }

    if (errors.length > 0) {
      throw new Error(`invalid Ingestion ${this.node.path}: ${errors.join('; ')}`);
    }
  }

  /**
   * The tags sent to AppFabric: the stack's tags overlaid with the ingestion's own, without reserved `aws:` keys.
   *
   * Stack-level tags are merged in because CloudFormation propagates them to native resources
   * but never to custom ones.
   */
  private renderTags(): Record<string, string> {
    const merged: Record<string, string> = { ...Stack.of(this).tags.tagValues(), ...this.tags.tagValues() };
    return Object.fromEntries(Object.entries(merged).filter(([key]) => !key.startsWith('aws:')));
  }

  private renderTagProperty(): Record<string, string> | undefined {
    const tags = this.renderTags();
    return Object.keys(tags).length > 0 ? tags : undefined;
  }
}
