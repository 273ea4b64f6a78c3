// Two fixes to kafkajs 2.2.4 (unmaintained since 2023), applied by scripts/setup.sh after npm install; each
// idempotent, each failing loudly if its file is not the one it knows.
//
// 1. It can lose acknowledged records when a broker dies during a send that spans
// several partition leaders (tulios/kafkajs#1303): sendMessages keeps one answer per broker, and on the retry the
// partitions that moved to a broker which had already answered for its own partitions are never sent again, yet the
// send resolves. This makes every retry send the whole request again: records already written may be written twice
// (at least once), none is lost.
//
// 2. A read_committed consumer (kafkajs's only mode) can be handed records of aborted transactions: its filter marks
// at most one aborted transaction's producer per record, so where several aborted transactions begin at or before
// the first record of a fetch (a fetch that starts inside them, two producers aborting side by side — Flink's
// exactly-once sinks after a restart), the others' records pass. Found by the exactly-once kill test: kafkajs read 243
// window results where kcat (librdkafka, read_committed) read the right 240. The filter is replaced by Java's rule
// (KafkaConsumer's Fetcher): aborted transactions in order of first offset, every one starting at or before a
// record marks its producer aborted, until that producer's abort marker.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const src = join(import.meta.dirname, '..', 'node_modules', 'kafkajs', 'src');

/** Replace `before` by `after` in a kafkajs file, once (`marker` says it is done). */
function patch(path, before, after, marker, said) {
  const file = join(src, ...path);
  const text = readFileSync(file, 'utf8');
  if (text.includes(marker)) return;
  if (!text.includes(before)) {
    console.error(
      `patch-kafkajs: ${file} is not the kafkajs 2.2.4 file this patch knows; see scripts/patch-kafkajs.mjs`,
    );
    process.exit(1);
  }
  writeFileSync(file, text.replace(before, after));
  console.log(`patch-kafkajs: ${said}`);
}

const resend = '// sluice: resend all on retry (tulios/kafkajs#1303)';
const requests = '        const requests = await createProducerRequests(responsePerBroker)';
patch(
  ['producer', 'sendMessages.js'],
  requests,
  `        ${resend}\n        responsePerBroker.clear()\n${requests}`,
  resend,
  'every retry of a send now sends the whole request again (tulios/kafkajs#1303)',
);

const aborted = '// sluice: every aborted transaction that has begun, in order of first offset';
const filterStart = 'module.exports = ({ messages, abortedTransactions }) => {';
const filterOld = `${filterStart}
  const currentAbortedTransactions = new Map()

  if (!abortedTransactions || !abortedTransactions.length) {
    return messages
  }

  const remainingAbortedTransactions = [...abortedTransactions]

  return messages.filter(message => {
    // If the message offset is GTE the first offset of the next aborted transaction
    // then we have stepped into an aborted transaction.
    if (
      remainingAbortedTransactions.length &&
      Long.fromValue(message.offset).gte(remainingAbortedTransactions[0].firstOffset)
    ) {
      const { producerId } = remainingAbortedTransactions.shift()
      currentAbortedTransactions.set(producerId, true)
    }

    const { producerId, inTransaction } = message.batchContext

    if (isAbortMarker(message)) {
      // Transaction is over, we no longer need to ignore messages from this producer
      currentAbortedTransactions.delete(producerId)
    } else if (currentAbortedTransactions.has(producerId) && inTransaction) {
      return false
    }

    return true
  })
}`;
const filterNew = `${filterStart}
  ${aborted}
  const currentAbortedTransactions = new Map()

  if (!abortedTransactions || !abortedTransactions.length) {
    return messages
  }

  const remainingAbortedTransactions = [...abortedTransactions].sort((a, b) =>
    Long.fromValue(a.firstOffset).compare(Long.fromValue(b.firstOffset))
  )

  return messages.filter(message => {
    // Every aborted transaction that begins at or before this message's offset: its producer's records are aborted
    // from here until its abort marker (several may begin before the first message of a fetch).
    const offset = Long.fromValue(message.offset)
    while (remainingAbortedTransactions.length && offset.gte(remainingAbortedTransactions[0].firstOffset)) {
      const { producerId } = remainingAbortedTransactions.shift()
      currentAbortedTransactions.set(String(producerId), true)
    }

    const { producerId, inTransaction, isControlBatch } = message.batchContext

    if (isControlBatch && isAbortMarker(message)) {
      // Its transaction is over: this producer's records count again
      currentAbortedTransactions.delete(String(producerId))
    } else if (inTransaction && currentAbortedTransactions.has(String(producerId))) {
      return false
    }

    return true
  })
}`;
patch(
  ['consumer', 'filterAbortedMessages.js'],
  filterOld,
  filterNew,
  aborted,
  'a read_committed fetch now leaves out the records of every aborted transaction it overlaps',
);

// 3. Speed, same bytes: a produce request grouped its messages per partition by copying the partition's array for
// every message (quadratic in the request's size), and copied every message object again to make its record.
const grouped = '// sluice: grouped in place';
patch(
  ['producer', 'groupMessagesPerPartition.js'],
  `  return messages.reduce((result, message) => {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition] || []
    return Object.assign(result, { [partition]: [...current, message] })
  }, {})`,
  `  ${grouped}
  const result = {}
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message })
    ;(result[partition] || (result[partition] = [])).push(message)
  }
  return result`,
  grouped,
  'a produce request groups its messages per partition in one pass',
);
const recordArgs = '// sluice: the record from the message, not a copy of it';
patch(
  ['protocol', 'requests', 'produce', 'v3', 'request.js'],
  `  const records = messages.map((message, i) =>
    Record({
      ...message,
      offsetDelta: i,
      timestampDelta: (message.timestamp || dateNow) - firstTimestamp,
    })
  )`,
  `  ${recordArgs}
  const records = messages.map((message, i) =>
    Record({
      key: message.key,
      value: message.value,
      headers: message.headers,
      offsetDelta: i,
      timestampDelta: (message.timestamp || dateNow) - firstTimestamp,
    })
  )`,
  recordArgs,
  'a produce request makes each record from its message without copying it',
);
