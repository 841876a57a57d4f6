// A model of N creates fired at once against a token bucket (the emulator's rate limit), to compare
// retry policies without rebuilding the handler. Each client retries a throttled request after the
// wait its policy gives; the bucket answers 429 with Retry-After (whole seconds) when empty.
// bench/report.js checks the model against the measured runs of the real handler, then compares the
// handler's policy with the one it replaced and with alternatives.

// The emulator's own rate limit, so that the model and the measured runs meet the same bucket.
require('ts-node').register({ transpileOnly: true, preferTsExts: true });
const { TokenBucket } = require('../test/emulator/rate-limit');

/**
 * Retry policies: `wait(attempt, retryAfterMs, state)` is the delay after failed attempt
 * `attempt` (1-based); `maxAttempts` bounds the attempts of one create.
 */
const POLICIES = {
  handler: {
    label: 'the handler: Retry-After (1 s without one) + full jitter, 500 ms base, cap 2 s; at most 50 attempts, ended by the time budget',
    maxAttempts: 50,
    // lambda/appfabric.ts backoffDelay for THROTTLING and MAX_THROTTLED_ATTEMPTS. The planned delay
    // is never below the hint, so @smithy/core's merge with the hint leaves it as it is.
    wait: (attempt, retryAfterMs) => (retryAfterMs || 1_000) + fullJitter(500, 2_000, attempt - 1),
  },
  previous: {
    label: 'previous: full jitter, 500 ms base, cap 20 s, Retry-After as a floor, 8 attempts',
    maxAttempts: 8,
    // lambda/appfabric.ts backoffDelay before the change, merged with the hint as @smithy/core's
    // StandardRetryStrategy does.
    wait: (attempt, retryAfterMs) => {
      const planned = fullJitter(500, 20_000, attempt);
      return Math.max(planned, Math.min(retryAfterMs, planned + 5_000));
    },
  },
  handler8: {
    label: 'the handler\'s policy with at most 8 attempts',
    maxAttempts: 8,
    wait: (attempt, retryAfterMs) => (retryAfterMs || 1_000) + fullJitter(500, 2_000, attempt - 1),
  },
  cap2s: {
    label: 'full jitter, 500 ms base, cap 2 s, Retry-After as a floor; time budget',
    maxAttempts: Number.POSITIVE_INFINITY,
    wait: (attempt, retryAfterMs) => Math.max(fullJitter(500, 2_000, attempt), retryAfterMs),
  },
  decorrelated: {
    label: 'decorrelated jitter, 500 ms base, cap 4 s, Retry-After as a floor; time budget',
    maxAttempts: Number.POSITIVE_INFINITY,
    wait: (attempt, retryAfterMs, state) => {
      state.sleep = Math.min(4_000, 500 + Math.random() * ((state.sleep ?? 500) * 3 - 500));
      return Math.max(state.sleep, retryAfterMs);
    },
  },
};

/** AWS's "full jitter": uniform between 0 and min(cap, base * 2^attempt). */
function fullJitter(baseMs, capMs, attempt) {
  return Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/**
 * One run: `clients` creates start at 0; a request reaches the bucket `latencyMs / 2` after it is
 * sent and its answer comes back `latencyMs / 2` later. `retryAfter: false` models a service that
 * throttles without a Retry-After header.
 */
function simulate(policy, {
  clients = 50, rate = 5, burst = 5, latencyMs = 20, budgetMs = 180_000 - 15_000, retryAfter = true,
} = {}) {
  const bucket = new TokenBucket(rate, burst, 0);
  // Pending request sends, as [time, client]; few enough that a sorted array does.
  let queue = Array.from({ length: clients }, (_, client) => [0, client]);
  const attempts = new Array(clients).fill(0);
  const states = Array.from({ length: clients }, () => ({}));
  let requests = 0;
  let throttled = 0;
  let failures = 0;
  let lastSuccess = 0;

  while (queue.length > 0) {
    const [sentAt, client] = queue.shift();
    const arrival = sentAt + latencyMs / 2;
    const answer = bucket.take(arrival);
    requests++;
    attempts[client]++;
    const answeredAt = arrival + latencyMs / 2;
    if (answer.allowed) {
      lastSuccess = Math.max(lastSuccess, answeredAt);
      continue;
    }
    throttled++;
    const wait = policy.wait(attempts[client], retryAfter ? answer.retryAfterSeconds * 1000 : 0, states[client]);
    if (attempts[client] >= policy.maxAttempts || answeredAt + wait > budgetMs) {
      failures++;
      continue;
    }
    const next = [answeredAt + wait, client];
    const index = queue.findIndex((entry) => entry[0] > next[0]);
    queue = index < 0 ? [...queue, next] : [...queue.slice(0, index), next, ...queue.slice(index)];
  }
  return { wallMs: lastSuccess, requests, throttled, failures, maxAttempts: Math.max(...attempts) };
}

/** `trials` runs of each policy; what bench/run.js reports. */
function comparePolicies(trials, options, names = Object.keys(POLICIES)) {
  return names.map((name) => [name, POLICIES[name]]).map(([name, policy]) => {
    const runs = Array.from({ length: trials }, () => simulate(policy, options));
    return { name, label: policy.label, runs };
  });
}

module.exports = { comparePolicies, simulate, POLICIES };
