import {
  CfnResource, Fn, IResource, ITaggable, Lazy, RemovalPolicy, Resource, Stack, TagManager, Token,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IngestionApp, IngestionType } from './ingestion-app';
import { IngestionDestination, IngestionDestinationOptions } from './ingestion-destination';
import { MAX_USER_TAGS } from './owner-tag';
import { IngestionProvider } from './provider';
import { newTagManager, renderTagProperty, renderTags } from './tagging';
import {
  AppBundleReference, checkLength, checkRemovalPolicy, checkSameEnvironment, checkTags, IngestionArnParts,
  invalidIngestionArn, parseAppBundle, parseIngestionArn, showValue, warnOutsideAppFabricRegions,
} from './validation';

/** The CloudFormation type of the custom resource; the handler dispatches on it. */
const RESOURCE_TYPE = 'Custom::AppFabricIngestion';

/** AppFabric's limits, which cannot be raised. */
const MAX_INGESTIONS_PER_BUNDLE = 50;



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
   * Whether the ingestion collects audit logs. Changing it starts or stops the ingestion in place.
   *
   * @default true
   */
  readonly enabled?: boolean;

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
    let parts: IngestionArnParts;
    if (Token.isUnresolved(arn)) {
      // arn:<partition>:appfabric:<region>:<account>:appbundle/<bundleId>/ingestion/<ingestionId>
      const slashParts = Fn.split('/', arn);
      parts = {
        ingestionId: Fn.select(3, slashParts),
        appBundleArn: Fn.join('/', [Fn.select(0, slashParts), Fn.select(1, slashParts)]),
      };
    } else {
      const parsed = parseIngestionArn(arn);
      if (!parsed) {
        throw new Error(invalidIngestionArn('ingestionArn', arn));
      }
      parts = parsed;
    }

    class Import extends IngestionBase {
      public readonly ingestionArn = arn;
      public readonly ingestionId = parts.ingestionId;
      public readonly appBundleArn = parts.appBundleArn;
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

  /** What makes two ingestions the same in AppFabric's eyes; undefined when a part is a token. */
  private readonly identity?: string;

  /** The UUID of the app bundle, when known at synth time. */
  private readonly bundleId?: string;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);

    const bundle = this.validateProps(props);
    this.bundleId = bundle?.bundleId;
    this.identity = bundle && !Token.isUnresolved(props.app.name) && !Token.isUnresolved(props.tenantId)
      ? JSON.stringify([bundle.bundleId, props.app.name, props.tenantId])
      : undefined;
    this.tags = newTagManager(this, RESOURCE_TYPE, props.tags);
    this.node.addValidation({
      validate: () => [
        ...checkTags(renderTags(this.tags), MAX_USER_TAGS), ...this.checkUnique(), ...this.checkBundleLimit(),
      ],
    });
    warnOutsideAppFabricRegions(this);

    const resource = new CfnResource(this, 'Resource', {
      type: RESOURCE_TYPE,
      properties: {
        ...IngestionProvider.getOrCreate(this).serviceProperties(),
        AppBundleIdentifier: props.appBundle,
        App: props.app.name,
        TenantId: props.tenantId,
        IngestionType: props.ingestionType ?? IngestionType.AUDIT_LOG,
        // Absent when enabled, the default, so that templates from before the prop existed do not change.
        Enabled: props.enabled === false ? false : undefined,
        Tags: Lazy.any({ produce: () => renderTagProperty(this.tags) }),
      },
    });
    this.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.DESTROY);

    this.ingestionArn = resource.ref;
    this.ingestionId = resource.getAtt('Id').toString();
    this.appBundleArn = resource.getAtt('AppBundleArn').toString();
    this.ingestionState = resource.getAtt('State').toString();
  }

  /**
   * Adds a destination the ingestion delivers its audit logs to (at most 5).
   */
  public addDestination(id: string, options: IngestionDestinationOptions): IngestionDestination {
    return new IngestionDestination(this, id, { ...options, ingestion: this });
  }

  /**
   * Sets what happens to the ingestion when it leaves the stack or is replaced.
   *
   * `RemovalPolicy.SNAPSHOT` is refused: an ingestion has nothing to snapshot.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    const error = checkRemovalPolicy(policy);
    if (error) {
      throw new Error(`invalid Ingestion ${this.node.path}: ${error}`);
    }
    super.applyRemovalPolicy(policy);
  }

  /**
   * @returns the app bundle, when it is known at synth time
   */
  private validateProps(props: IngestionProps): AppBundleReference | undefined {
    const errors: string[] = [];
    const add = (error: string | undefined) => error && errors.push(error);

    add(checkLength('tenantId', props.tenantId, 1, 1024));
    if (typeof props.app?.name !== 'string') {
      errors.push(`app must be an IngestionApp (IngestionApp.OKTA, IngestionApp.of('NAME'), ...), got ${showValue(props.app)}`);
    } else {
      add(checkLength('app', props.app.name, 1, 255));
    }
    if (props.enabled !== undefined && typeof props.enabled !== 'boolean') {
      errors.push(`enabled must be true or false, got ${showValue(props.enabled)}`);
    }
    const types = Object.values(IngestionType) as string[];
    if (props.ingestionType !== undefined && !Token.isUnresolved(props.ingestionType) && !types.includes(props.ingestionType)) {
      errors.push(`ingestionType must be one of ${types.join(', ')}, got ${showValue(props.ingestionType)}`);
    }
    let bundle: AppBundleReference | undefined;
    if (typeof props.appBundle !== 'string') {
      errors.push(`appBundle must be an app bundle ARN or UUID string, got ${showValue(props.appBundle)}`);
    } else if (!Token.isUnresolved(props.appBundle)) {
      const parsed = parseAppBundle('appBundle', props.appBundle);
      bundle = typeof parsed === 'string' ? undefined : parsed;
      add(typeof parsed === 'string'
        ? parsed
        : checkSameEnvironment('appBundle', props.appBundle, parsed, this.stack.region, this.stack.account));
    }
    add(props.removalPolicy && checkRemovalPolicy(props.removalPolicy));

    if (errors.length > 0) {
      throw new Error(`invalid Ingestion ${this.node.path}: ${errors.join('; ')}`);
    }
    return bundle;
  }

  /** AppFabric holds at most 50 ingestions in a bundle: report it once, on the first of the app's ingestions in the bundle. */
  private checkBundleLimit(): string[] {
    if (this.bundleId === undefined) {
      return [];
    }
    const sameBundle = this.node.root.node.findAll()
      .filter((construct): construct is Ingestion => construct instanceof Ingestion && construct.bundleId === this.bundleId);
    if (sameBundle.length <= MAX_INGESTIONS_PER_BUNDLE || sameBundle[0] !== this) {
      return [];
    }
    return [`app bundle ${this.bundleId} holds at most ${MAX_INGESTIONS_PER_BUNDLE} ingestions (AppFabric's limit), `
      + `this app declares ${sameBundle.length}`];
  }

  /**
   * AppFabric refuses a second ingestion for the same app and tenant in a bundle: catch two in one stack before deploying.
   */
  private checkUnique(): string[] {
    if (this.identity === undefined) {
      return [];
    }
    const twins = Stack.of(this).node.findAll()
      .filter((construct) => construct !== this && construct instanceof Ingestion && construct.identity === this.identity);
    return twins.map((twin) => `ingestion ${twin.node.path} has the same app bundle, app and tenantId; `
      + 'AppFabric allows one ingestion per app and tenant in a bundle');
  }
}
