#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { AuditLogStack } from './audit-log-stack';

const app = new App();

// AppFabric allows one app bundle per account and region: pass yours with -c appBundleArn=...
const appBundleArn: string = app.node.getContext('appBundleArn');

// An ingestion lives in its bundle's account and region, so the stack deploys there.
const [, , , region, account] = appBundleArn.split(':');

new AuditLogStack(app, 'AppFabricAuditLogs', {
  appBundleArn,
  env: { account, region },
});
