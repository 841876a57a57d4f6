import { CfnResource, Validations } from 'aws-cdk-lib';

/**
 * A cdk-nag finding that one of this library's own resources raises by design.
 */
export interface NagFinding {
  /** The rule, e.g. `AwsSolutions-IAM4`. */
  readonly rule: string;

  /** The exact finding of a granular rule, e.g. `Policy::arn:<AWS::Partition>:iam::aws:policy/...`. */
  readonly appliesTo?: string;

  /** Why the finding is right for this construct. */
  readonly reason: string;
}

/** The template metadata cdk-nag 2 reads its suppressions from. */
const CDK_NAG_V2_METADATA = 'cdk_nag';

/**
 * Acknowledges findings on one of the library's resources, so that users who run cdk-nag get no
 * finding for what they cannot change, without this library depending on cdk-nag.
 *
 * Both forms cdk-nag reads are written: cdk-nag 2's `cdk_nag` template metadata (`applies_to` for a
 * granular finding) and aws-cdk-lib's acknowledged-rules metadata that cdk-nag 3 reads, where a
 * granular finding's id is `Rule[finding]`. Each names one exact finding, never a whole rule.
 */
export function acknowledgeNagFindings(resource: CfnResource, findings: NagFinding[]): void {
  const existing = resource.getMetadata(CDK_NAG_V2_METADATA)?.rules_to_suppress ?? [];
  resource.addMetadata(CDK_NAG_V2_METADATA, {
    rules_to_suppress: [
      ...existing,
      ...findings.map(f => ({
        id: f.rule,
        reason: f.reason,
        ...(f.appliesTo ? { applies_to: [f.appliesTo] } : {}),
      })),
    ],
  });

  // Validations.acknowledge() cannot take these ids: it reserves '::', which granular findings contain.
  const acknowledged: Record<string, string> = {};
  for (const f of findings) {
    acknowledged[f.appliesTo ? `${f.rule}[${f.appliesTo}]` : f.rule] = f.reason;
  }
  resource.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, acknowledged);
}
