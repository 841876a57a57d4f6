// Renders the results of bench/run.js: the table it prints, and BENCHMARKS.md (the same table, how
// each figure is measured, and what explains the goals missed, with the numbers of the same run).
const { summarize } = require('./measure');

/** 50 creates at 5 requests per second: the floor the goal is stated against. */
const BURST_FLOOR_MS = 50 / 5 * 1000;
/** With the emulator's burst of 5, the 50th request can be served at (50 - 5) / 5 s. */
const BUCKET_FLOOR_MS = (50 - 5) / 5 * 1000;

const KIND_NAMES = {
  ours: '`Ingestion` (this library)',
  native: 'native `AWS::AppFabric::Ingestion`',
  acr: '`AwsCustomResource`',
  floor: 'custom-resource floor',
};

/** What each CloudFormation event should cost at least, in AppFabric calls, in the order bench/handler-runs.ts sends them. */
const EVENT_GOALS = [
  { prefix: 'create', goal: '1', met: (n) => n === 1 },
  { prefix: 'repeated create', goal: '1', met: (n) => n === 1 },
  { prefix: 'no-op update', goal: '0', met: (n) => n === 0 },
  { prefix: 'tag-only update', goal: '<= 2', met: (n) => n <= 2 },
  { prefix: 'replacing update', goal: '1', met: (n) => n === 1 },
  { prefix: 'cleanup delete', goal: '2 (stop + delete)', met: (n) => n === 2 },
  { prefix: 'delete', goal: '2', met: (n) => n === 2 },
];

/** A number formatter with its unit; `range` writes the unit once after "median (min–max)". */
const unit = (format, suffix) => Object.assign((v) => `${format(v)}${suffix}`, { bare: format, suffix });
const ms = unit((v) => String(Math.round(v)), ' ms');
const seconds = unit((v) => (v / 1000).toFixed(1), ' s');
const kb = unit((v) => (v / 1000).toFixed(1), ' KB');
const mib = unit((v) => (v / 2 ** 20).toFixed(1), ' MiB');
const int = unit((v) => Math.round(v).toLocaleString('en-US'), '');
const fixed = (digits) => unit((v) => v.toFixed(digits), '');

/** "median (min–max) unit", or the one value when all runs agree. */
function range(stats, format) {
  const bare = format.bare ?? format;
  const suffix = format.suffix ?? '';
  return stats.min === stats.max
    ? `${bare(stats.median)}${suffix}`
    : `${bare(stats.median)} (${bare(stats.min)}–${bare(stats.max)})${suffix}`;
}

function verdict(met) {
  return met ? 'met' : '**missed**';
}

function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Every figure the table and the text need, computed once. */
function figures(results) {
  const { synth50, synth1, handler } = results;
  const synthStats = (set, kind, key = 'synthMs') => summarize(set.samples[kind].map((sample) => sample[key]));
  const synthRatio = (kind) => summarize(synth50.samples[kind].map((sample, i) => sample.synthMs / synth50.samples.native[i].synthMs));
  const bytes = (set, kind) => summarize(set.samples[kind].map((sample) => sample.templateBytes));
  const marginal = (kind) => summarize(synth50.samples[kind].map((sample) => (sample.templateBytes - bytes(synth1, kind).median) / 49));

  const events = handler.eventRuns[0].map((first, i) => ({
    label: first.event,
    operations: first.operations,
    calls: summarize(handler.eventRuns.map((run) => run[i].operations.length)),
    allSucceeded: handler.eventRuns.every((run) => run[i].status === 'SUCCESS'),
    sameOperations: handler.eventRuns.every((run) => run[i].operations.join() === first.operations.join()),
    goal: EVENT_GOALS.find((goal) => first.event.startsWith(goal.prefix)),
  }));

  const burst = (runs) => runs.length === 0 ? undefined : {
    wall: summarize(runs.map((run) => run.wallMs)),
    factor: summarize(runs.map((run) => run.wallMs / BURST_FLOOR_MS)),
    throttled: summarize(runs.map((run) => run.throttled)),
    requests: summarize(runs.map((run) => run.createRequests)),
    maxAttempts: Math.max(...runs.map((run) => run.maxAttemptsPerCreate)),
    duplicates: Math.max(...runs.map((run) => run.duplicates)),
    failures: Math.max(...runs.map((run) => run.failures)),
    failureReasons: runs.flatMap((run) => run.failureReasons),
    peakRss: summarize(runs.map((run) => run.peakRssBytes)),
    rssLoaded: summarize(runs.map((run) => run.rssLoadedBytes)),
    otherOperations: runs.map((run) => Object.entries(run.otherOperations).map(([op, n]) => `${op} ${n}`).join(', ')).filter(Boolean),
    histograms: runs.map((run) => run.attemptsHistogram),
    finishedAt: runs.map((run) => run.finishedMs),
    peakRssSource: runs[0].peakRssSource,
  };

  return {
    synthStats, synthRatio, bytes, marginal, events,
    marginalRatio: marginal('ours').median / marginal('native').median,
    modelFactor: percentile(results.model.withRetryAfter.find((entry) => entry.name === 'handler').runs.map((run) => run.wallMs), 0.5)
      / BURST_FLOOR_MS,
    burst: burst(handler.burstRuns),
    single: handler.singleCreate,
  };
}

function mainTable(results, f) {
  const { bundle, cold, settings } = results;
  const kinds = ['ours', 'native', 'acr'];
  const perKind = (format) => kinds.map(format);
  const rows = [];
  const synthRatio = f.synthRatio('ours');
  rows.push([`synth time, 50 in one stack (library load + build + \`app.synth()\`, fresh process each, ${settings.synthRounds} runs)`,
    ...perKind((kind) => range(f.synthStats(results.synth50, kind), ms)), '', 'report']);
  rows.push([`synth time ratio to native, 50 in one stack (${settings.synthRounds} A/B pairs)`,
    range(synthRatio, fixed(2)), '1', range(f.synthRatio('acr'), fixed(2)), '<= 1.15', verdict(synthRatio.median <= 1.15)]);
  rows.push(['synth, whole `node` process (startup + aws-cdk-lib + the above), 50',
    ...perKind((kind) => range(f.synthStats(results.synth50, kind, 'processMs'), ms)), '', 'report']);
  rows.push([`synth time, 1 in a stack (${settings.synthSmallRounds} runs)`,
    ...perKind((kind) => range(f.synthStats(results.synth1, kind), ms)), '', 'report']);
  rows.push(['template bytes, 1 / 50 in one stack',
    ...perKind((kind) => `${int(f.bytes(results.synth1, kind).median)} / ${int(f.bytes(results.synth50, kind).median)}`), '', 'report']);
  rows.push(['marginal template bytes per extra ingestion ((50 − 1) / 49)',
    ...perKind((kind) => `${int(f.marginal(kind).median)}${kind === 'native' ? '' : ` (${(f.marginal(kind).median / f.marginal('native').median).toFixed(2)} × native)`}`),
    'ours <= 2.0 × native', verdict(f.marginalRatio <= 2.0)]);
  rows.push(['handler bundle, minified / gzipped',
    `${kb(bundle.bytes)} / ${kb(bundle.gzipBytes)}`, 'none (CloudFormation\'s own)',
    bundle.acr ? `${kb(bundle.acr.bytes)} / ${kb(bundle.acr.gzipBytes)} + the AWS SDK of the Lambda runtime` : 'n/a',
    '<= 250 KB minified', verdict(bundle.bytes <= 250_000)]);
  rows.push([`handler cold load: fresh \`node\` requiring the bundle minus \`node -e 0\` (${settings.coldLoadRuns} pairs)`,
    `+${range(cold.overBaseline, ms)}; require alone ${range(cold.requireMs, ms)}`, '—', '—',
    '<= 40 ms', verdict(cold.overBaseline.median <= 40)]);
  for (const event of f.events) {
    const met = event.goal ? event.goal.met(event.calls.max) && event.allSucceeded : false;
    rows.push([`AppFabric calls, ${event.label}`,
      `${range(event.calls, int)}${event.operations.length ? `: ${event.operations.join(', ')}` : ''}`, '—', '—',
      event.goal?.goal ?? '?', verdict(met)]);
  }
  if (f.burst) {
    const b = f.burst;
    rows.push([`50 creates at once, emulator at 5 requests/s: wall time (${settings.burstRuns} runs)`,
      `${range(b.wall, seconds)} = ${range(b.factor, fixed(2))} × the 10 s floor`, '—', '—', '<= 1.3 × floor',
      `${verdict(b.factor.median <= 1.3)}${(b.factor.median <= 1.3) !== (f.modelFactor <= 1.3) ? ` in these runs; the model expects ${f.modelFactor.toFixed(2)} ×` : ''}`]);
    rows.push(['… throttled answers (429) / CreateIngestion requests',
      `${range(b.throttled, int)} / ${range(b.requests, int)}`, '—', '—', '', 'report']);
    rows.push(['… duplicates / failures (worst run)', `${b.duplicates} / ${b.failures}`, '—', '—', '0 / 0',
      verdict(b.duplicates === 0 && b.failures === 0)]);
    rows.push(['peak RSS of the handler process during the 50 creates', range(b.peakRss, mib), '—', '—', '', 'report']);
  }
  return markdownTable(['figure', ...kinds.map((kind) => KIND_NAMES[kind]), 'goal', 'result'], rows);
}

function synthSection(results, f) {
  const { profile } = results;
  const ours50 = f.synthStats(results.synth50, 'ours').median;
  const ours1 = f.synthStats(results.synth1, 'ours').median;
  const native50 = f.synthStats(results.synth50, 'native').median;
  const native1 = f.synthStats(results.synth1, 'native').median;
  const floor50 = f.synthStats(results.synth50, 'floor').median;
  const floorRatio = f.synthRatio('floor');
  const profileRows = profile.frames.map((frame) => [frame.label, ms(frame.ms)]);
  return `## Synth time: why ours is ${f.synthRatio('ours').median.toFixed(1)} × native, and what the floor is

The difference is mostly a fixed cost per stack, not a cost per ingestion: with 1 ingestion ours takes ${ms(ours1)}
against native's ${ms(native1)} (${ms(ours1 - native1)} more), with 50 ${ms(ours50)} against ${ms(native50)} (${ms(ours50 - native50)} more).
What ours adds is the one Lambda function per stack that serves every ingestion. A CPU profile of one 50-ingestion synth (\`node --cpu-prof\`, inclusive time, ${ms(profile.synthMs)}
measured in that run):

${markdownTable(['frame', 'inclusive time'], profileRows)}

\`lambda.Function\` with \`Code.fromAsset\` is what costs: constructing it loads and runs aws-lambda, aws-iam,
aws-s3-assets, aws-s3 (\`Bucket.fromBucketAttributes\` for the asset bucket, which loads region-info's
tables for every region) and more, and hashes and copies the asset. \`AwsCustomResource\` pays the same
(its \`SingletonFunction\` is a \`lambda.Function\`) and more per resource (an IAM policy each):
${range(f.synthRatio('acr'), fixed(2))} × native.

**The floor for any custom resource** was measured in the same run (kind \`floor\` in bench/synth-app.js):
the same handler bundle and the same 50 resources, with the function made by aws-cdk-lib core's
\`CustomResourceProvider\` (plain \`CfnResource\`s; no aws-lambda, aws-iam, aws-s3 or region-info):
${range(f.synthStats(results.synth50, 'floor'), ms)}, **${range(floorRatio, fixed(2))} × native**, ${ms(floor50 - native50)} more than native. So the
1.15 goal is out of reach for a construct built on \`lambda.Function\` (it cannot be fixed in bench/ or the
bundle: the cost is in lib/provider.ts), and ${floorRatio.median <= 1.15
    ? 'within reach at the floor, though not by much'
    : `${floorRatio.median <= 1.3 ? 'a little above it' : 'above it'} even at the floor`}: the goal is a ratio to a small
base (native synthesizes 50 resources in ${ms(native50)}), and any custom resource stages and hashes its code
asset and declares a function and a role, which the native resource never does; 15 % of the base is
${ms(native50 * 0.15)}, and the pairs on this machine vary by more than that.

**Suggested change to lib/provider.ts**, left as a documented suggestion rather than made: changing the
provider of a stack that is already deployed needs a logical-id override (below) to keep the \`ServiceToken\`
every deployed ingestion holds, and only a real deployment can verify that upgrade, which this benchmark
never makes (it calls no AWS). Create the handler with

\`\`\`ts
const provider = CustomResourceProvider.getOrCreateProvider(stack, 'AppFabricIngestionProvider3b8c5e1f', {
  codeDirectory: HANDLER_BUNDLE_DIR,
  runtime: CustomResourceProviderRuntime.NODEJS_22_X,
  useCfnResponseWrapper: false,          // the handler answers CloudFormation itself
  timeout: Duration.minutes(3),
  memorySize: Size.mebibytes(256),
  description: 'Creates, tags and deletes AWS AppFabric ingestions for CloudFormation',
  policyStatements: [{ Effect: 'Allow', Action: APPFABRIC_ACTIONS, Resource: stack.formatArn({ ... }) }],
});
// CloudFormation refuses a changed ServiceToken ("Modifying service token is not allowed"): keep the
// function's logical id, so that the ARN every deployed ingestion holds stays the same.
(provider.node.findChild('Handler') as CfnResource).overrideLogicalId(<the logical id lambda.Function had>);
\`\`\`

and pass \`provider.serviceToken\` as \`ServiceToken\`. What changes for users: the role becomes an
\`AWS::IAM::Role\` with an inline policy (same actions and resource), the function no longer has
\`IngestionProvider.function\` as an \`IFunction\` (the class is not exported), the cdk-nag acknowledgements
move to the provider's resources, and the example and integ snapshots change. The upgrade of a deployed
stack (same function logical id, new role) should be tried in a real account before release.
`;
}

function templateSection(results, f) {
  const entryOf = (kind, type) => {
    const resources = JSON.parse(results.synth50.templates[kind]).Resources;
    const id = Object.keys(resources).find((key) => resources[key].Type === type);
    return { [id]: resources[id] };
  };
  const ours = entryOf('ours', 'Custom::AppFabricIngestion');
  const native = entryOf('native', 'AWS::AppFabric::Ingestion');
  const [oursId] = Object.keys(ours);
  const withoutPolicies = { ...ours[oursId] };
  delete withoutPolicies.DeletionPolicy;
  delete withoutPolicies.UpdateReplacePolicy;
  const policyBytes = Buffer.byteLength(JSON.stringify(ours, undefined, 1))
    - Buffer.byteLength(JSON.stringify({ [oursId]: withoutPolicies }, undefined, 1));
  const oursMarginal = f.marginal('ours').median;
  const nativeMarginal = f.marginal('native').median;
  return `## Template bytes per ingestion

Ours: ${int(oursMarginal)} bytes per extra ingestion, native: ${int(nativeMarginal)}
(${f.marginalRatio.toFixed(2)} ×, goal <= 2.0), \`AwsCustomResource\`: ${int(f.marginal('acr').median)} (it adds an
\`AWS::IAM::Policy\` per resource and carries each SDK call as a JSON string). One resource of each, as
written to the template:

\`\`\`json
${JSON.stringify(ours, undefined, 1)}
\`\`\`

\`\`\`json
${JSON.stringify(native, undefined, 1)}
\`\`\`

Besides the \`ServiceToken\` every custom resource needs, ours carries \`ServiceTimeout\` (CloudFormation waits
5 minutes instead of an hour for a lost answer), a hashed logical id (the resource is the construct's
\`Resource\` child), \`AppBundleIdentifier\` where native says \`AppBundleArn\` (it takes a UUID too), and
\`DeletionPolicy\` / \`UpdateReplacePolicy\` \`Delete\`, which are CloudFormation's defaults; leaving those two
out when the removal policy is \`DESTROY\` would save about ${policyBytes} bytes per ingestion
(${int(oursMarginal - policyBytes)} bytes, ${((oursMarginal - policyBytes) / nativeMarginal).toFixed(2)} × native). Tags, when
present, cost ours less than native: a map instead of a list of \`{Key, Value}\` objects.
`;
}

function bundleSection(results) {
  const { bundle, cold } = results;
  const rows = bundle.byPackage.filter(([, bytes]) => bytes >= 100).map(([name, bytes]) => [name, int(bytes)]);
  return `## Handler bundle and cold load

${kb(bundle.bytes)} minified, ${kb(bundle.gzipBytes)} gzipped; requiring it takes ${range(cold.requireMs, ms)} inside a
fresh process (${settings(results).coldLoadRuns} runs), and a fresh \`node\` requiring it takes ${range(cold.overBaseline, ms)} more than
\`node -e 0\` (pairs alternated; process start-up on this machine varies by tens of ms, so the
in-process figure is the steadier one).

It was 256.5 KB minified, and took about 47 ms to require (measured on this machine), before this change
to lambda/bundle.js:
\`mainFields: ['module', 'main']\`. The SDK packages the handler uses (@smithy/*, @aws-sdk/*) ship CommonJS
(\`main\`) and ES modules (\`module\`); esbuild picks \`main\` on Node, and CommonJS cannot be tree-shaken.
\`@aws-sdk/credential-provider-env\`'s CommonJS build does \`require("@aws-sdk/core/client")\` for one
function, which pulled in the whole SDK client core: user-agent parsing with bowser (35 KB), protocols,
schemas and event streams of @smithy/core (156 KB). The metafile now shows, in bytes of output:

${markdownTable(['input', 'bytes'], rows)}

Further trims are small: \`fromEnv()\` from @aws-sdk/credential-provider-env still brings @aws-sdk/core's client
index with its partitions table (about 6 KB); reading \`AWS_ACCESS_KEY_ID\`, \`AWS_SECRET_ACCESS_KEY\` and
\`AWS_SESSION_TOKEN\` in lambda/appfabric.ts directly would drop both packages.
`;
}

function eventsSection(results, f) {
  const rows = f.events.map((event) => [event.label, range(event.calls, int), event.operations.join(', ') || 'none',
    event.allSucceeded && event.sameOperations ? 'yes' : 'no']);
  return `## AppFabric calls per event

Counted at the emulator through one resource's life (bench/handler-runs.ts, ${settings(results).eventRuns} runs, same stack and
events as test/lifecycle.test.ts):

${markdownTable(['event', 'calls', 'operations', 'SUCCESS, same calls every run'], rows)}

Every path is at the minimum. The owner tag travels inside \`CreateIngestion\`; \`ListIngestions\` and
\`ListTagsForResource\` are called only after a \`ConflictException\` (an ingestion of the same app and tenant
exists), \`StartIngestion\` only when AppFabric creates an ingestion disabled. The native resource's calls
are made by CloudFormation and cannot be counted here. An \`AwsCustomResource\` makes exactly the one call
declared per event, which is too few for a delete: AppFabric deletes only stopped ingestions, and one
resource cannot stop and then delete.
`;
}

function burstSection(results, f) {
  const b = f.burst;
  if (!b) {
    return '';
  }
  const modelRow = (entry) => {
    const wall = entry.runs.map((run) => run.wallMs);
    const failing = entry.runs.filter((run) => run.failures > 0).length;
    return [entry.label, `${seconds.bare(percentile(wall, 0.5))} (${seconds.bare(percentile(wall, 0.1))}–${seconds.bare(percentile(wall, 0.9))}) s`,
      int(percentile(entry.runs.map((run) => run.requests), 0.5)), int(Math.max(...entry.runs.map((run) => run.maxAttempts))),
      `${failing} of ${entry.runs.length}`];
  };
  const modelHeader = ['policy', 'wall p50 (p10–p90)', 'requests p50', 'most attempts', 'runs with a failure'];
  const runsOf = (name, set = results.model.withRetryAfter) => set.find((entry) => entry.name === name).runs;
  const walls = (runs) => runs.map((run) => run.wallMs);
  const spread = (runs) => `${seconds(percentile(walls(runs), 0.5))} at the median, ${seconds(percentile(walls(runs), 0.1))} to ${seconds(percentile(walls(runs), 0.9))} from the 10th to the 90th percentile`;
  const makesGoal = (runs) => Math.round(100 * runs.filter((run) => run.wallMs <= 1.3 * BURST_FLOOR_MS).length / runs.length);
  const handlerModel = runsOf('handler');
  const previousModel = runsOf('previous');
  const modelWall = walls(handlerModel);
  const handlerMostAttempts = Math.max(...results.model.withRetryAfter.concat(results.model.withoutRetryAfter)
    .filter((entry) => entry.name === 'handler').flatMap((entry) => entry.runs.map((run) => run.maxAttempts)));
  const handler8Failing = runsOf('handler8').filter((run) => run.failures > 0).length;
  const handlerRequests = percentile(handlerModel.map((run) => run.requests), 0.5);
  const previousRequests = percentile(previousModel.map((run) => run.requests), 0.5);
  const requestsCompared = Math.abs(handlerRequests - previousRequests) <= 0.1 * previousRequests ? 'about as many requests as'
    : handlerRequests > previousRequests ? 'more requests than' : 'fewer requests than';
  const noHeader = (name) => percentile(walls(runsOf(name, results.model.withoutRetryAfter)), 0.5);
  const histogram = Object.entries(b.histograms[0]).map(([attempts, n]) => `${n} × ${attempts}`).join(', ');
  const finished = b.finishedAt[0];
  const met = b.factor.median <= 1.3;
  const runsMet = results.handler.burstRuns.filter((run) => run.wallMs <= 1.3 * BURST_FLOOR_MS).length;
  return `## 50 creates at once against 5 requests per second

The emulator's bucket refills 5 tokens a second and holds 5, so 50 creates cannot all succeed before
${seconds(BUCKET_FLOOR_MS)} (the goal's floor, 50 / 5, is ${seconds(BURST_FLOOR_MS)}). The handler as built takes
**${range(b.wall, seconds)} (${range(b.factor, fixed(2))} × the floor)**, with ${range(b.throttled, int)} throttled answers, ${
  b.duplicates === 0 && b.failures === 0 ? 'no duplicates and no failures' : `${b.duplicates} duplicates and ${b.failures} failures in the worst run`}; one create needed up to ${b.maxAttempts} attempts (first run: ${histogram}; attempts
× creates). In the first run half of the creates had answered by ${seconds(percentile(finished, 0.5))}, 90 % by
${seconds(percentile(finished, 0.9))}, the last at ${seconds(finished[finished.length - 1])}.
The goal, 1.3 × the floor (${seconds(1.3 * BURST_FLOOR_MS)}), is **${met ? 'met' : 'missed'}** at the median of the ${b.wall.n} runs (${runsMet} of ${b.wall.n} runs made it${
  runsMet < b.wall.n ? `; the slowest took ${fixed(2)(b.factor.max)} ×` : ''}).

**What the handler does when throttled** (lambda/appfabric.ts, \`backoffDelay\` and \`MAX_THROTTLED_ATTEMPTS\`): it
waits the Retry-After AppFabric sends (1 s when it sends none) plus full jitter in a window that grows from
500 ms to at most 2 s. With the emulator's Retry-After of 1 s the waits are 1–1.5 s, 1–2 s, then 1–3 s: no
herd (the jitter is added to the hint, not hidden under it), and never more than 3 s without a retry from a
waiting create. Throttled attempts end on the time budget (at most 50); other retryable failures keep
exponential backoff with full jitter from 100 ms, at most 20 s, up to \`maxAttempts\` (8). Each invocation
decides alone, as it must: on Lambda the 50 creates run in separate execution environments. A model of the
same bucket and policy (bench/retry-model.js, ${results.model.trials} simulated runs) gives ${spread(handlerModel)};
${b.wall.n} measured runs sample that spread${b.wall.min >= percentile(modelWall, 0.02) && b.wall.max <= percentile(modelWall, 0.98) ? '' : ' (some fell outside the model\'s 2nd–98th percentiles)'}, and ${makesGoal(handlerModel)} % of the modelled runs make 1.3 ×.

**Why it changed.** The previous policy waited max(U(0, min(20 s, 500 ms × 2^k)), Retry-After) after a failed
attempt *k*, for at most 8 attempts. The emulator's Retry-After is whole seconds, always 1 s at this rate, and
the jitter of the first retry (0–1 s) is below it: the 45 creates throttled at 0 s all came back together at
1 s. After that the windows doubled (0–2 s, 0–4 s, 0–8 s, 0–16 s, then 0–20 s), while the bucket can bank only
1 s of capacity: every second in which no create happened to retry was capacity lost, and the last creates
waited in the widest windows while AppFabric was idle. Full jitter with a large cap spreads load well when
many clients compete for a long time; here the whole burst is 10 s, and the cap made the last few creates
wait for nothing. The same model gives the previous policy ${spread(previousModel)}, and only
${makesGoal(previousModel)} % of its modelled runs make 1.3 ×: a few lucky runs proved little, and meeting the goal
reliably needed a different policy, not faster code. The handler's policy sends ${requestsCompared} the previous one
(${int(handlerRequests)} against ${int(previousRequests)} at the median of the model), and without a Retry-After header
its median is ${seconds(noHeader('handler'))} against ${seconds(noHeader('previous'))}.

The model, with the emulator's Retry-After:

${markdownTable(modelHeader, results.model.withRetryAfter.map(modelRow))}

and for a service that throttles without a Retry-After header:

${markdownTable(modelHeader, results.model.withoutRetryAfter.map(modelRow))}

A lower cap alone ("cap 2 s") is as fast but sends more requests; decorrelated jitter is in between. The
handler's policy needed at most ${handlerMostAttempts} attempts in the modelled runs (${b.maxAttempts} in the measured ones)${handler8Failing === 0
    ? ', so 8 would still do for this burst'
    : `, and with at most 8 attempts ${handler8Failing} of ${handlerModel.length} modelled runs had a failure`}; but nothing bounds that
for a larger burst or a slower limit, hence the time budget rather than 8 attempts (the limit of 50 only
bounds a budget without end).

**Memory.** The 50 invocations in one process peak at ${range(b.peakRss, mib)} RSS (source: ${b.peakRssSource}); the
module loaded and idle is ${range(b.rssLoaded, mib)}, and a single create peaks at ${mib(f.single.peakRssBytes)}. The
function has 256 MB, and on Lambda concurrent creates mostly run in environments of their own.
`;
}

/**
 * Re-wraps prose paragraphs and list items at `width` columns, so that the text reads well in the
 * file whatever length the numbers put in it have; code blocks, tables and headings are kept.
 */
function reflow(markdown, width = 110) {
  const out = [];
  let block = [];
  let inFence = false;
  const wrap = (text, first, rest) => {
    const lines = [];
    let line = '';
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const prefix = lines.length === 0 ? first : rest;
      if (line && prefix.length + line.length + 1 + word.length > width) {
        lines.push(prefix + line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push((lines.length === 0 ? first : rest) + line);
    return lines;
  };
  const flush = () => {
    const items = [];
    for (const line of block) {
      if (line.startsWith('- ') || items.length === 0) {
        items.push(line);
      } else {
        items[items.length - 1] += ` ${line.trim()}`;
      }
    }
    for (const item of items) {
      out.push(...(item.startsWith('- ') ? wrap(item.slice(2), '- ', '  ') : wrap(item, '', '')));
    }
    block = [];
  };
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      flush();
      inFence = !inFence;
      out.push(line);
    } else if (inFence || line.startsWith('|') || line.startsWith('#')) {
      flush();
      out.push(line);
    } else if (line.trim() === '') {
      flush();
      out.push('');
    } else {
      block.push(line);
    }
  }
  flush();
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

function settings(results) {
  return results.settings;
}

function render(results) {
  const f = figures(results);
  const table = mainTable(results, f);
  const { env } = results;
  const markdown = `# Benchmarks

Written by \`npm run bench\` (bench/run.js); run it again rather than editing this file. It builds the
handler bundle (and lib/ with jsii when stale), then measures this construct side by side with the
native \`AWS::AppFabric::Ingestion\` resource (a plain \`CfnResource\`: aws-cdk-lib ${env.awsCdkLib} has no
\`aws_appfabric\` module) and a generic \`AwsCustomResource\`, in one run.

- Date: ${env.date}, ${results.durationS.toFixed(0)} s for the whole run
- Machine: ${env.cores} cores (${env.cpu}), ${env.memoryGb.toFixed(1)} GiB, ${env.os}; 1-minute load average ${env.loadAverage.toFixed(2)} at the start (whatever else runs on the machine adds noise to the timings)
- Node.js ${env.node}, aws-cdk-lib ${env.awsCdkLib}, esbuild ${env.esbuild}, commit ${env.commit || 'unknown (not a git checkout)'}${env.changedFiles ? ` with ${env.changedFiles} files changed in the working tree` : ''}

Figures are "median (min–max)" over the runs named in each row; a single value means every run agreed.

${table}

How each figure is taken:

- **Synth**: each sample is a fresh \`node bench/synth-app.js <kind> <count>\` declaring \`count\` Okta ingestions
  (tenants T0…T49, no tags) in one stack of a plain \`App\`. The time runs from just after aws-cdk-lib is
  loaded to the end of \`app.synth()\`: loading the construct library (the jsii-compiled lib/*.js), building
  the stack, synthesizing. Ours and native alternate A B, then B A; the ratio is the median of the
  per-pair ratios. The template bytes are those of the written \`Bench.template.json\`.
- **Bundle**: the built lambda-bundle/index.js, gzip level 9; the composition comes from an esbuild
  metafile of the same build options (\`options\` exported by lambda/bundle.js).
- **Cold load**: pairs of fresh processes, \`node -e 0\` and \`node -e "require('lambda-bundle/index.js')"\`,
  timed around the spawn, in alternating order after one uncounted pair; the figure is the median of the
  per-pair differences (${results.settings.coldLoadRuns} pairs rather than 10: start-up time varies by tens of ms). "require
  alone" is the time of the \`require\` inside a fresh process.
- **Calls per event**: bench/handler-runs.ts runs the bundled handler from the synthesized asset through
  test/support/lambda-runtime.ts against the AppFabric emulator (test/emulator), clearing the emulator's
  call log before each event.
- **50 creates**: the handler runs in a separate \`node\` process (bench/handler-host.js, under
  \`/usr/bin/time -v\` when present) that invokes it 50 times at once, each with its own event and a 3-minute
  deadline, against a fresh emulator limited to 5 requests per second; wall time from the first invocation
  to the last answer to CloudFormation; 429s, attempts and duplicates counted at the emulator, answers at
  the response recorder.

${synthSection(results, f)}
${templateSection(results, f)}
${bundleSection(results)}
${eventsSection(results, f)}
${burstSection(results, f)}`;
  return { table, markdown: reflow(markdown) };
}

module.exports = { render };
