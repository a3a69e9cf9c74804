import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, Partitioners, type Consumer } from 'kafkajs';
import { canRunKafka, startKafkaBroker, type KafkaBroker } from '../src/kafka-broker';

// A port of its own, so this test never collides with a dev broker on 9092.
const PORT = 19192;
const TIMEOUT = 180_000;

/** Resolves true if something accepts a TCP connection on 127.0.0.1:port. */
function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Reads `count` messages from the beginning of `topic` with a new consumer group. */
async function consume(kafka: Kafka, topic: string, groupId: string, count: number): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({ groupId });
  const values: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${values.length}/${count} messages arrived`)), 60_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString() ?? '');
            if (values.length === count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    // Disconnect commits the offsets consumed so far, which the restart check relies on.
    await consumer.disconnect();
  }
  return values;
}

describe('startKafkaBroker (real Kafka 3.9.1)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-kafka-test-'));
  const topic = `broker-test-${Date.now()}`;
  const sent = ['first', 'second', 'third'];
  let broker: KafkaBroker | undefined;
  let kafka: Kafka;

  beforeAll(async () => {
    // Never skipped: without Java and Maven this fails, so a missing toolchain cannot hide in CI.
    if (!canRunKafka()) throw new Error('java and mvn are needed to run the Kafka broker');
    broker = await startKafkaBroker({ port: PORT, dir, fresh: true });
    kafka = new Kafka({ clientId: 'kafka-broker-test', brokers: [broker.brokers], logLevel: logLevel.NOTHING });
  }, TIMEOUT);

  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);

  it(
    'produces and consumes with a consumer group',
    async () => {
      expect(broker?.brokers).toBe(`127.0.0.1:${PORT}`);
      const admin = kafka.admin();
      await admin.connect();
      // One partition, so the three messages have one order to assert.
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      await admin.disconnect();

      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      for (const value of sent) await producer.send({ topic, messages: [{ key: 'k', value }] });
      await producer.disconnect();

      expect(await consume(kafka, topic, 'group-before-restart', sent.length)).toEqual(sent);
    },
    TIMEOUT,
  );

  it(
    'keeps messages and committed offsets across stop and start',
    async () => {
      if (!broker) throw new Error('broker did not start');
      await broker.stop();
      expect(await portAccepts(PORT)).toBe(false);

      await broker.start();
      expect(await portAccepts(PORT)).toBe(true);

      expect(await consume(kafka, topic, 'group-after-restart', sent.length)).toEqual(sent);

      const admin = kafka.admin();
      await admin.connect();
      try {
        const [committed] = await admin.fetchOffsets({ groupId: 'group-before-restart', topics: [topic] });
        expect(committed.partitions).toEqual([expect.objectContaining({ partition: 0, offset: String(sent.length) })]);
      } finally {
        await admin.disconnect();
      }
    },
    TIMEOUT,
  );
});
