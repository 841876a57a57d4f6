import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AuditLogStack } from '../bin/audit-log-stack';

const ASSET_HASH = /[a-f0-9]{64}/g;

/**
 * Replaces asset hashes, so that an edit of the handler's code does not change the snapshot;
 * everything else in the template is compared.
 */
function maskAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(ASSET_HASH, '<asset-hash>'));
}

test('the example stack synthesizes to the reviewed template', () => {
  // GIVEN
  const app = new App();

  // WHEN
  const stack = new AuditLogStack(app, 'AppFabricAuditLogs', {
    appBundleArn: 'arn:aws:appfabric:us-east-1:111122223333:appbundle/00000000-0000-4000-8000-000000000000',
    env: { account: '111122223333', region: 'us-east-1' },
  });

  // THEN
  expect(maskAssetHashes(Template.fromStack(stack).toJSON())).toMatchSnapshot();
});
