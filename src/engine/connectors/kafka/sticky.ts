/**
 * A sticky partition assigner for kafkajs (Kafka's StickyAssignor idea): each member says in its join which
 * partitions it holds now, and the leader lets members keep them while the assignment stays balanced. When a worker
 * dies, only its partitions move; the others keep theirs — no state to restore for them, and nothing of theirs in
 * flight read twice. kafkajs has only round-robin, which reshuffles every partition on every rebalance.
 */
import { AssignerProtocol, type PartitionAssigner } from './client';

const NAME = 'SluiceSticky';
const VERSION = 0;

type Assignment = Record<string, number[]>;

/** The pure part: who gets what, from who holds what now. Exported for the tests. */
export function stickyAssignment(
  members: { memberId: string; topics: string[]; owned: Assignment }[],
  partitions: { topic: string; partition: number }[],
): Map<string, Assignment> {
  const ids = members.map((m) => m.memberId).sort();
  const byId = new Map(members.map((m) => [m.memberId, m]));
  const held = new Map<string, { topic: string; partition: number }[]>(ids.map((id) => [id, []]));
  const exists = new Set(partitions.map((p) => `${p.topic}\u0000${p.partition}`));
  const taken = new Set<string>();
  const max = Math.ceil(partitions.length / Math.max(1, ids.length));
  // 1. Everyone keeps what they hold (the first to claim a partition, by member id, where two say so), up to the
  //    largest fair share.
  for (const id of ids) {
    const m = byId.get(id)!;
    for (const [topic, ps] of Object.entries(m.owned)) {
      for (const partition of [...ps].sort((a, b) => a - b)) {
        const k = `${topic}\u0000${partition}`;
        if (!exists.has(k) || taken.has(k) || !m.topics.includes(topic) || held.get(id)!.length >= max) continue;
        taken.add(k);
        held.get(id)!.push({ topic, partition });
      }
    }
  }
  // 2. The rest, one at a time, to the member (subscribed to its topic) holding the fewest.
  for (const p of partitions) {
    const k = `${p.topic}\u0000${p.partition}`;
    if (taken.has(k)) continue;
    const candidates = ids.filter((id) => byId.get(id)!.topics.includes(p.topic));
    if (!candidates.length) continue;
    const to = candidates.reduce((a, b) => (held.get(b)!.length < held.get(a)!.length ? b : a));
    held.get(to)!.push(p);
    taken.add(k);
  }
  // 3. Balance: no member more than one partition above another (moving the partitions taken last).
  for (;;) {
    const sorted = ids.slice().sort((a, b) => held.get(a)!.length - held.get(b)!.length);
    const [least, most] = [sorted[0]!, sorted.at(-1)!];
    if (held.get(most)!.length - held.get(least)!.length <= 1) break;
    const i = held.get(most)!.findLastIndex((p) => byId.get(least)!.topics.includes(p.topic));
    if (i < 0) break;
    held.get(least)!.push(held.get(most)!.splice(i, 1)[0]!);
  }
  const out = new Map<string, Assignment>();
  for (const [id, ps] of held) {
    const a: Assignment = {};
    for (const p of ps) (a[p.topic] ??= []).push(p.partition);
    for (const t of Object.keys(a)) a[t]!.sort((x, y) => x - y);
    out.set(id, a);
  }
  return out;
}

/** The assigner; `holding` says what this member holds now (sent with its join). */
export function stickyAssigner(holding: () => Assignment): PartitionAssigner {
  return ({ cluster }) => ({
    name: NAME,
    version: VERSION,
    async assign({ members, topics }) {
      const decoded = members.map((m) => {
        const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
        let owned: Assignment = {};
        try {
          owned = meta?.userData?.length ? (JSON.parse(meta.userData.toString('utf8')) as Assignment) : {};
        } catch {
          owned = {};
        }
        return { memberId: m.memberId, topics: meta?.topics ?? topics, owned };
      });
      const partitions = topics.flatMap((topic) =>
        cluster.findTopicPartitionMetadata(topic).map((p) => ({ topic, partition: p.partitionId })),
      );
      const result = stickyAssignment(decoded, partitions);
      return [...result].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: VERSION,
          assignment,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: VERSION,
          topics,
          userData: Buffer.from(JSON.stringify(holding())),
        }),
      };
    },
  });
}
