/**
 * The topic browser's engine side: topics with their partitions and watermarks, the last messages of a partition,
 * a live tail, and consumer groups with their lag — in records and in seconds behind live.
 */
import type {
  BrowsedMessage,
  ConnectionTest,
  GroupInfo,
  GroupPartitionLag,
  KafkaProfileInfo,
  TopicInfo,
} from '../../../shared/kafka';
import { kafkaClient, kafkaError, PartitionReader, type FetchedMessage } from './client';
import { localKafkaNote, mockReason } from './local';
import { LOCAL_PROFILE, readProfiles, resolveProfile, secretVariable } from './profiles';
import { secretStore } from '../../secrets/store';

export function listProfiles(): KafkaProfileInfo[] {
  const local: KafkaProfileInfo = {
    name: LOCAL_PROFILE,
    brokers: [],
    local: true,
    tls: false,
    note: localKafkaNote(),
    ...(mockReason() ? { fallback: true } : {}),
  };
  return [
    local,
    ...Object.entries(readProfiles()).map(([name, p]) => ({
      name,
      brokers: p.brokers,
      local: false,
      tls: !!p.tls,
      ...(p.sasl
        ? {
            sasl: p.sasl,
            secret: {
              variable: secretVariable(name),
              set: !!(secretStore()?.get(name) ?? process.env[secretVariable(name)]),
              store: secretStore() ? ('system' as const) : ('environment' as const),
            },
          }
        : {}),
    })),
  ];
}

async function withAdmin<T>(
  profileName: string,
  fn: (admin: ReturnType<ReturnType<typeof kafkaClient>['admin']>, kafka: ReturnType<typeof kafkaClient>) => Promise<T>,
): Promise<T> {
  const profile = await resolveProfile(profileName);
  // Fail fast in the browser: a few tries, not the nodes' endless reconnecting.
  const kafka = kafkaClient(profile, 'sluice-browser', { retries: 2 });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin, kafka);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function testConnection(profileName: string): Promise<ConnectionTest> {
  let brokers: string[] = [];
  try {
    return await withAdmin(profileName, async (admin) => {
      const c = await admin.describeCluster();
      brokers = c.brokers.map((b) => `${b.host}:${b.port}`);
      return {
        ok: true,
        brokers,
        message: `connected: ${c.brokers.length} broker(s), controller ${c.controller ?? 'unknown'}`,
      };
    });
  } catch (err) {
    return { ok: false, brokers, message: `could not connect with profile "${profileName}": ${kafkaError(err)}` };
  }
}

export async function listTopics(profileName: string): Promise<TopicInfo[]> {
  return withAdmin(profileName, async (admin) => {
    const names = (await admin.listTopics()).filter((t) => !t.startsWith('__')).sort();
    const out: TopicInfo[] = [];
    for (const name of names) {
      const offsets = await admin.fetchTopicOffsets(name);
      const partitions = offsets
        .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
        .sort((a, b) => a.partition - b.partition);
      out.push({ name, partitions, messages: partitions.reduce((n, p) => n + p.high - p.low, 0) });
    }
    return out;
  });
}

/** A message as the browser shows it: JSON pretty-printed, other UTF-8 text as it is, anything else in base64. */
export function browsed(topic: string, partition: number, m: FetchedMessage): BrowsedMessage {
  const text = (b: Buffer | string | undefined | null) =>
    b === null || b === undefined ? null : Buffer.isBuffer(b) ? b.toString('utf8') : String(b);
  let value: string | null = null;
  let encoding: BrowsedMessage['encoding'] = 'text';
  if (m.value) {
    const s = m.value.toString('utf8');
    if (!Buffer.from(s, 'utf8').equals(m.value)) {
      value = m.value.toString('base64');
      encoding = 'base64';
    } else {
      try {
        value = JSON.stringify(JSON.parse(s), null, 2);
        encoding = 'json';
      } catch {
        value = s;
      }
    }
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers)) headers[k] = text(Array.isArray(v) ? v[0] : v) ?? '';
  return {
    topic,
    partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: text(m.key),
    value,
    encoding,
    headers,
    bytes: m.value?.length ?? 0,
  };
}

/** The last `count` messages of a partition, oldest first. */
export async function sampleMessages(
  profileName: string,
  topic: string,
  partition: number,
  count: number,
): Promise<BrowsedMessage[]> {
  return withAdmin(profileName, async (admin, kafka) => {
    const o = (await admin.fetchTopicOffsets(topic)).find((x) => x.partition === partition);
    if (!o) throw new Error(`${topic} has no partition ${partition}`);
    const [low, high] = [Number(o.low), Number(o.high)];
    const reader = new PartitionReader(kafka);
    try {
      const out: BrowsedMessage[] = [];
      for (let at = Math.max(low, high - count); at < high; ) {
        const { messages } = await reader.read(topic, partition, at);
        if (messages.length === 0) break;
        for (const m of messages) if (m.offset < high) out.push(browsed(topic, partition, m));
        at = messages.at(-1)!.offset + 1;
      }
      return out.slice(-count);
    } finally {
      await reader.close();
    }
  });
}

/** The timestamp of the message at `offset` (or the next one there is). */
async function timestampAt(
  reader: PartitionReader,
  topic: string,
  partition: number,
  offset: number,
): Promise<number | undefined> {
  const { messages } = await reader.read(topic, partition, offset, 64 * 1024);
  return messages[0]?.timestamp;
}

/**
 * The cluster's consumer groups as the broker lists and describes them (ListGroups, DescribeGroups): their state and
 * members, and their lag per partition from the committed offsets — in records and in seconds behind live.
 */
export async function consumerGroups(profileName: string): Promise<GroupInfo[]> {
  return withAdmin(profileName, async (admin, kafka) => {
    let listed: { groupId: string; protocolType: string }[];
    try {
      listed = (await admin.listGroups()).groups;
    } catch (err) {
      throw new Error(`this cluster does not list its consumer groups (ListGroups): ${kafkaError(err)}`);
    }
    const ids = listed.map((g) => g.groupId).sort();
    if (ids.length === 0) return [];
    const described = new Map((await admin.describeGroups(ids)).groups.map((g) => [g.groupId, g]));
    const reader = new PartitionReader(kafka);
    const highs = new Map<string, Map<number, number>>();
    const highOf = async (topic: string) => {
      let h = highs.get(topic);
      if (!h)
        highs.set(
          topic,
          (h = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]))),
        );
      return h;
    };
    try {
      const out: GroupInfo[] = [];
      for (const group of ids) {
        const partitions: GroupPartitionLag[] = [];
        for (const t of await admin.fetchOffsets({ groupId: group })) {
          if (t.topic.startsWith('__') || t.partitions.every((p) => Number(p.offset) < 0)) continue;
          const high = await highOf(t.topic);
          for (const p of t.partitions)
            partitions.push(await partitionLag(reader, t.topic, p, high.get(p.partition) ?? 0));
        }
        partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
        const d = described.get(group);
        out.push({
          group,
          state: d?.state ?? 'Unknown',
          members: (d?.members ?? []).map((m) => ({ clientId: m.clientId, host: m.clientHost })),
          partitions,
          lag: partitions.reduce((n, p) => n + p.lag, 0),
          secondsBehind: Math.max(0, ...partitions.map((p) => p.secondsBehind)),
        });
      }
      return out;
    } finally {
      await reader.close();
    }
  });
}

/** One partition's lag: records between the group's committed offset and the end, and their age gap. */
async function partitionLag(
  reader: PartitionReader,
  topic: string,
  p: { partition: number; offset: string },
  high: number,
): Promise<GroupPartitionLag> {
  const committed = Number(p.offset) >= 0 ? Number(p.offset) : null;
  const next = committed ?? 0;
  const lag = Math.max(0, high - next);
  let secondsBehind = 0;
  if (lag > 0) {
    const [from, newest] = [
      await timestampAt(reader, topic, p.partition, next),
      await timestampAt(reader, topic, p.partition, high - 1),
    ];
    if (from !== undefined && newest !== undefined) secondsBehind = Math.max(0, (newest - from) / 1000);
  }
  return { topic, partition: p.partition, committed, high, lag, secondsBehind };
}

/** Follow a partition from its end: each new message as it arrives, until closed. */
export function tailPartition(
  profileName: string,
  topic: string,
  partition: number,
  send: (m: BrowsedMessage[]) => void,
  end: (error?: string) => void,
): () => void {
  let closed = false;
  let reader: PartitionReader | undefined;
  void (async () => {
    try {
      const profile = await resolveProfile(profileName);
      const kafka = kafkaClient(profile, 'sluice-browser');
      const admin = kafka.admin();
      await admin.connect();
      const o = (await admin.fetchTopicOffsets(topic)).find((x) => x.partition === partition);
      await admin.disconnect();
      if (!o) throw new Error(`${topic} has no partition ${partition}`);
      let at = Number(o.high);
      reader = new PartitionReader(kafka);
      while (!closed) {
        // A long poll: the broker answers when there is something, or after half a second.
        const { messages } = await reader.read(topic, partition, at, 1 << 20, 500);
        if (closed) break;
        if (messages.length) {
          // At most 50 a read reach the studio: a fast topic cannot flood it.
          send(messages.slice(-50).map((m) => browsed(topic, partition, m)));
          at = messages.at(-1)!.offset + 1;
        }
      }
      end();
    } catch (err) {
      if (!closed) end(kafkaError(err));
    } finally {
      await reader?.close();
    }
  })();
  return () => {
    closed = true;
  };
}
