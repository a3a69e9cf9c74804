// Events: outbox relay -> transport -> analytics consumer, over Kafka and in-process.
//
//   (a) throughput: N_EVENTS contact.lifecycle_stage_changed rows waiting in leads' outbox
//       (written with the relay stopped), then the relay started: time until the relay has
//       published them all (no unsent outbox rows) and until analytics has consumed them all.
//   (b) latency: sequential changeLifecycleStage mutations through the gateway; time from
//       sending the mutation until analytics' contact_stages row shows the new stage.
//
// The whole graph runs in THIS process (stack/), as in `npm start`, so the figures
// include the gateway, the five subgraphs, the relay and the consumers sharing one event loop.
// Sizes: BENCH_CONTACTS, BENCH_EVENTS, BENCH_LATENCY_MOVES override the defaults below.
const {
  built,
  progress,
  main,
  now,
  randomId,
  intEnv,
  sleep,
  waitFor,
  checkInterrupted,
  checkPostgres,
  startBenchStack,
  kafkaBrokers,
  pool,
  summarize,
  printMetrics,
  fmt,
  fmtInt,
  memory,
  memoryLine,
  mb,
} = require('./lib');

// 500 contacts are plenty of aggregate keys for the 20,000 events (40 each, spread over the
// partitions); captureLead through the graph is the slow part of the setup (~70/s on 2 cores).
const N_CONTACTS = intEnv('BENCH_CONTACTS', 500);
const N_EVENTS = intEnv('BENCH_EVENTS', 20_000);
const EMIT_BATCH = 1_000;
/** Outbox batches written at once (setup only: the relay is stopped, their order is irrelevant). */
const EMIT_PARALLEL = 2;
const LATENCY_MOVES = intEnv('BENCH_LATENCY_MOVES', 300);
const CAPTURE_CONCURRENCY = 8;
// No SQL anywhere: a move to SQL makes pipeline open a deal, whose deal.created makes leads
// move the contact on to OPPORTUNITY by itself (the README's lifecycle rules). That cascade would race the next
// mutation of (b) and add unrelated events to (a).
/** A fresh contact (LEAD) takes these four forward moves, one mutation each. */
const MOVES = ['MQL', 'OPPORTUNITY', 'CUSTOMER', 'PROMOTER'];
/** Stages the throughput events alternate between (the read model just follows `to`). */
const THROUGHPUT_STAGES = ['MQL', 'LEAD'];
/** Events analytics handles (its `processed` counter counts only these). */
const ANALYTICS_TYPES = ['contact.created', 'contact.lifecycle_stage_changed', 'contact.merged'];

const THROUGHPUT_TIMEOUT_MS = 150_000;
const SAMPLE_TIMEOUT_MS = 10_000;
const LATENCY_TIMEOUT_MS = 90_000;
const CAPTURE_TIMEOUT_MS = 120_000;

const CAPTURE = 'mutation Capture($input: CaptureLeadInput!) { captureLead(input: $input) { id } }';
const CHANGE = 'mutation Change($input: ChangeLifecycleStageInput!) { changeLifecycleStage(input: $input) { id lifecycleStage } }';

const { COUNT_UNSENT_SQL, emit } = built('packages/events/dist/index.js');

/** Capture `count` new contacts through the gateway; returns their ids. */
async function captureContacts(gql, tag, count) {
  let done = 0;
  const ids = await pool(
    count,
    CAPTURE_CONCURRENCY,
    async (i) => {
      const data = await gql(CAPTURE, { input: { email: `${tag}-${i}@bench.example.com` } });
      if (++done % 500 === 0 && done < count) progress(`  captured ${done}/${count}`);
      return data.captureLead.id;
    },
    { timeoutMs: CAPTURE_TIMEOUT_MS, label: `capturing ${count} contacts` },
  );
  return ids;
}

/** Wait until analytics has consumed every event of leads' outbox it handles (setup phases). */
async function waitAnalyticsCaughtUp(stack, leadsPg, label) {
  const { rows } = await leadsPg.query('SELECT count(*)::int AS n FROM crm_outbox WHERE event_type = ANY($1)', [ANALYTICS_TYPES]);
  const expected = rows[0].n;
  await waitFor(`${label}: analytics consuming ${expected} events`, () => stack.services.analytics.consumer.processed >= expected, {
    timeoutMs: CAPTURE_TIMEOUT_MS,
    everyMs: 20,
  });
}

async function throughput(stack, { tenantId, gql }, leadsPg, analyticsPg, tag) {
  const t0 = now();
  const ids = await captureContacts(gql, `${tag}-t`, N_CONTACTS);
  const captureS = (now() - t0) / 1000;
  await waitAnalyticsCaughtUp(stack, leadsPg, 'throughput setup');
  progress(`  ${N_CONTACTS} contacts captured in ${captureS.toFixed(1)} s (${fmtInt(N_CONTACTS / captureS)}/s), analytics caught up`);

  const { leads, analytics } = stack.services;
  await leads.relay.stop();
  const t1 = now();
  const eventIds = [];
  await pool(Math.ceil(N_EVENTS / EMIT_BATCH), EMIT_PARALLEL, async (batch) => {
    const start = batch * EMIT_BATCH;
    const end = Math.min(N_EVENTS, start + EMIT_BATCH);
    await leads.db.transaction(async (manager) => {
      for (let i = start; i < end; i++) {
        const event = await emit(manager, {
          type: 'contact.lifecycle_stage_changed',
          tenantId,
          aggregateId: ids[i % ids.length],
          data: {
            from: null,
            to: THROUGHPUT_STAGES[Math.floor(i / ids.length) % THROUGHPUT_STAGES.length],
            reason: null,
            source: 'RULE',
            at: new Date().toISOString(),
          },
        });
        eventIds.push(event.id);
      }
    });
  });
  const emitS = (now() - t1) / 1000;
  const unsent = async () => (await leadsPg.query(COUNT_UNSENT_SQL)).rows[0].n;
  const pending = await unsent();
  if (pending !== N_EVENTS) throw new Error(`expected ${N_EVENTS} unsent outbox rows, found ${pending}`);
  progress(`  ${fmtInt(N_EVENTS)} events written to the outbox in ${emitS.toFixed(1)} s (relay stopped); starting the relay`);

  // The consumer's counter is the cheap signal; crm_processed_events confirms that the events
  // counted are exactly ours (another consumer's cascade could also feed analytics).
  const ours = async () =>
    (
      await analyticsPg.query(
        `SELECT count(*)::int AS n FROM crm_processed_events WHERE consumer = 'analytics' AND event_id = ANY($1::uuid[])`,
        [eventIds],
      )
    ).rows[0].n;
  const base = analytics.consumer.processed;
  const start = now();
  await leads.relay.start();
  let relayMs;
  let consumedMs;
  let lastReport = start;
  // Bounded: on a busy machine this reports the rate reached within the limit, marked partial.
  while (now() - start < THROUGHPUT_TIMEOUT_MS) {
    checkInterrupted();
    if (relayMs === undefined && (await unsent()) === 0) relayMs = now() - start;
    const consumed = analytics.consumer.processed - base;
    if (consumed >= N_EVENTS && relayMs !== undefined && (await ours()) >= N_EVENTS) {
      consumedMs = now() - start;
      break;
    }
    if (now() - lastReport > 5_000) {
      lastReport = now();
      progress(`  consumed ${fmtInt(consumed)}/${fmtInt(N_EVENTS)}, relay ${relayMs === undefined ? 'publishing' : 'done'}`);
    }
    await sleep(20);
  }
  const deadLettered = analytics.consumer.deadLettered;
  if (deadLettered) throw new Error(`${deadLettered} events were dead-lettered`);
  const elapsedS = (now() - start) / 1000;
  const relayed = relayMs === undefined ? N_EVENTS - (await unsent()) : N_EVENTS;
  const consumed = consumedMs === undefined ? await ours() : N_EVENTS;
  const partial = consumedMs === undefined;
  if (partial) {
    progress(
      `  NOT DONE within ${THROUGHPUT_TIMEOUT_MS / 1000} s: relayed ${fmtInt(relayed)}, consumed ${fmtInt(consumed)} of ${fmtInt(N_EVENTS)}; reporting partial rates`,
    );
  }
  const relayS = relayMs === undefined ? elapsedS : relayMs / 1000;
  const e2eS = partial ? elapsedS : consumedMs / 1000;
  return {
    partial,
    relayPartial: relayMs === undefined,
    captureS,
    emitS,
    relayS,
    relayRate: relayed / relayS,
    e2eS,
    e2eRate: consumed / e2eS,
    duplicates: analytics.consumer.duplicates,
  };
}

async function latency(stack, { tenantId, gql }, leadsPg, analyticsPg, tag) {
  const contacts = Math.ceil(LATENCY_MOVES / MOVES.length);
  const ids = await captureContacts(gql, `${tag}-l`, contacts);
  await waitAnalyticsCaughtUp(stack, leadsPg, 'latency setup');
  const query = {
    name: 'bench_stage',
    text: 'SELECT stage FROM contact_stages WHERE tenant_id = $1 AND contact_id = $2',
  };
  const endToEnd = [];
  const mutation = [];
  let n = 0;
  const phaseStart = now();
  let partial = false;
  for (const contactId of ids) {
    for (const stage of MOVES) {
      if (n >= LATENCY_MOVES || partial) break;
      checkInterrupted();
      if (now() - phaseStart > LATENCY_TIMEOUT_MS) {
        partial = true;
        progress(`  NOT DONE within ${LATENCY_TIMEOUT_MS / 1000} s: ${n}/${LATENCY_MOVES} moves measured; reporting those`);
        break;
      }
      n++;
      const t0 = now();
      let mutationMs;
      let mutationError;
      const call = gql(CHANGE, { input: { contactId, stage, reason: 'bench' } }).then(
        (data) => {
          mutationMs = now() - t0;
          if (data.changeLifecycleStage.lifecycleStage !== stage)
            mutationError = new Error(`mutation returned ${data.changeLifecycleStage.lifecycleStage}, not ${stage}`);
        },
        (err) => {
          mutationError = err;
        },
      );
      let seenMs;
      for (;;) {
        const { rows } = await analyticsPg.query({ ...query, values: [tenantId, contactId] });
        if (rows[0]?.stage === stage) {
          seenMs = now() - t0;
          break;
        }
        if (mutationError || now() - t0 > SAMPLE_TIMEOUT_MS) break;
        await sleep(2);
      }
      await call;
      if (mutationError) throw new Error(`changeLifecycleStage ${contactId} -> ${stage}: ${mutationError.message}`);
      if (seenMs === undefined) throw new Error(`contact ${contactId} did not reach ${stage} in analytics within ${SAMPLE_TIMEOUT_MS} ms`);
      endToEnd.push(seenMs);
      mutation.push(mutationMs);
      if (n % 100 === 0 && n < LATENCY_MOVES) progress(`  ${n}/${LATENCY_MOVES} moves`);
    }
  }
  return { partial, e2e: summarize(endToEnd), mutation: summarize(mutation) };
}

async function scenario(transport, brokers) {
  const bench = await startBenchStack(`events_${transport.replace(/-/g, '')}`, {
    tag: `[${transport}] `,
    note: '',
    name: `the ${transport} stack`,
    options: { kafkaBrokers: brokers, kafkaNamespace: brokers ? `bench-${randomId()}` : undefined, relayPollMs: 1_000 },
  });
  const { stack } = bench;
  const tenant = await bench.tenant();
  const leadsPg = await bench.pg('leads');
  const analyticsPg = await bench.pg('analytics');
  const tag = `${transport}-${randomId()}`;

  progress(`[${transport}] (a) throughput: ${fmtInt(N_CONTACTS)} contacts, then ${fmtInt(N_EVENTS)} outbox events`);
  const a = await throughput(stack, tenant, leadsPg, analyticsPg, tag);
  progress(`[${transport}] (a) relay ${fmtInt(a.relayRate)} ev/s, end to end ${fmtInt(a.e2eRate)} ev/s (${a.e2eS.toFixed(1)} s)`);

  progress(`[${transport}] (b) latency: ${LATENCY_MOVES} sequential changeLifecycleStage mutations`);
  const b = await latency(stack, tenant, leadsPg, analyticsPg, tag);
  progress(`[${transport}] (b) stage change -> read model p50 ${fmt(b.e2e.p50)} ms, p99 ${fmt(b.e2e.p99)} ms`);

  const mem = memory();
  const lag = Object.values(stack.services)
    .map((svc) => `${svc.name} ${svc.consumer.processed}`)
    .join(', ');
  await bench.stop({ servicesFirst: true, detail: (stopS) => ` in ${stopS.toFixed(1)} s (events processed: ${lag})` });
  return { transport, a, b, rss: mem.rss };
}

main('events.bench', async () => {
  await checkPostgres();
  const kafka = await kafkaBrokers();
  const results = [];
  results.push(await scenario('kafka', kafka.brokers));
  results.push(await scenario('in-process', undefined));

  const row = (metric, f) => [metric, ...results.map(f)];
  const star = (text, partial) => (partial ? `${text}*` : text);
  process.stdout.write('\n');
  printMetrics(
    'events bench',
    results.map((r) => r.transport),
    [
      row(`(a) captureLead setup, ${fmtInt(N_CONTACTS)} contacts (contacts/s)`, (r) => fmtInt(N_CONTACTS / r.a.captureS)),
      row(`(a) outbox write, ${fmtInt(N_EVENTS)} events via emit() (s)`, (r) => fmt(r.a.emitS)),
      row('(a) relay publish rate (events/s)', (r) => star(fmtInt(r.a.relayRate), r.a.relayPartial)),
      row('(a) relay publish time (s)', (r) => star(fmt(r.a.relayS, 2), r.a.relayPartial)),
      row('(a) end to end, relay -> consumer (events/s)', (r) => star(fmtInt(r.a.e2eRate), r.a.partial)),
      row('(a) end to end time (s)', (r) => star(fmt(r.a.e2eS, 2), r.a.partial)),
      row('(a) consumer duplicates', (r) => String(r.a.duplicates)),
      row('(b) moves measured', (r) => star(String(r.b.e2e.n), r.b.partial)),
      row('(b) stage change -> read model p50 (ms)', (r) => fmt(r.b.e2e.p50)),
      row('(b) stage change -> read model p90 (ms)', (r) => fmt(r.b.e2e.p90)),
      row('(b) stage change -> read model p99 (ms)', (r) => fmt(r.b.e2e.p99)),
      row('(b) stage change -> read model max (ms)', (r) => fmt(r.b.e2e.max)),
      row('(b) mutation alone p50 (ms)', (r) => fmt(r.b.mutation.p50)),
      row('(b) mutation alone p99 (ms)', (r) => fmt(r.b.mutation.p99)),
      row('process RSS at end of scenario', (r) => mb(r.rss)),
    ],
  );
  process.stdout.write(
    '(in-process: publish resolves only once the consumers have handled the batch, so the relay rate is the end-to-end rate;\n' +
      " (b) polls analytics' contact_stages every 2 ms on its own connection, from the moment the mutation is sent)\n",
  );
  if (results.some((r) => r.a.partial || r.a.relayPartial || r.b.partial)) {
    process.stdout.write('* NOT COMPLETE within the time limit (busy machine?): the figure covers what was done in time\n');
  }
  process.stdout.write(`\n${memoryLine()}\n`);
});
