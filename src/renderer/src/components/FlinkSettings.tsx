/**
 * The pipeline's Flink settings in the inspector: checkpoint interval and mode, parallelism. Left empty, the Flink
 * connection profile's values apply.
 */
import { FLINK_SETTINGS, type CheckpointMode } from '../../../shared/document';
import { setFlinkSettings } from '../../../shared/edit/commands';
import { documentStore, edit, sealEdit } from '../state/document';
import { useSelect } from '../state/store';

const MODE_HELP: Record<CheckpointMode, string> = {
  'exactly-once':
    'Each result once, even across a TaskManager lost: Kafka results are written in transactions committed at each checkpoint (readers with read_committed see them then), the archive’s files made final then; Redis sinks fed by the job must write by window (mode hash or value).',
  'at-least-once':
    'No transactions, results as soon as they are computed; after a restart what ran since the last checkpoint is written again (counted twice by Redis counters and leaderboards).',
};

export function FlinkSettingsForm() {
  const flink = useSelect(documentStore, (s) => s.doc.flink) ?? {};
  const mode = flink.checkpointMode ?? FLINK_SETTINGS.checkpointMode.default;
  const number = (v: string) => (v.trim() === '' ? undefined : Number(v));
  return (
    <fieldset className="flink-settings" aria-label="Flink settings">
      <legend>On Flink</legend>
      <div className="field">
        <label htmlFor="flink-checkpoint-mode">Checkpoint mode</label>
        <select
          id="flink-checkpoint-mode"
          value={mode}
          onChange={(e) => edit((d) => setFlinkSettings(d, { checkpointMode: e.target.value as CheckpointMode }))}
          aria-describedby="flink-checkpoint-mode-help"
        >
          {FLINK_SETTINGS.checkpointMode.values.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <div id="flink-checkpoint-mode-help" className="help">
          {MODE_HELP[mode]}
        </div>
      </div>
      <div className="field">
        <label htmlFor="flink-checkpoint-interval">
          Checkpoint interval <span className="unit">(ms)</span>
        </label>
        <input
          id="flink-checkpoint-interval"
          type="number"
          min={FLINK_SETTINGS.checkpointIntervalMs.min}
          max={FLINK_SETTINGS.checkpointIntervalMs.max}
          value={flink.checkpointIntervalMs ?? ''}
          placeholder="the profile’s (10000)"
          onChange={(e) =>
            edit((d) => setFlinkSettings(d, { checkpointIntervalMs: number(e.target.value) }), 'doc:flink-interval')
          }
          onBlur={sealEdit}
          aria-describedby="flink-checkpoint-interval-help"
        />
        <div id="flink-checkpoint-interval-help" className="help">
          How often the job checkpoints: how far back a restart goes, and (exactly once) how soon results are visible.
        </div>
      </div>
      <div className="field">
        <label htmlFor="flink-parallelism">Parallelism</label>
        <input
          id="flink-parallelism"
          type="number"
          min={FLINK_SETTINGS.parallelism.min}
          value={flink.parallelism ?? ''}
          placeholder="the profile’s (1)"
          onChange={(e) =>
            edit((d) => setFlinkSettings(d, { parallelism: number(e.target.value) }), 'doc:flink-parallelism')
          }
          onBlur={sealEdit}
          aria-describedby="flink-parallelism-help"
        />
        <div id="flink-parallelism-help" className="help">
          Subtasks of every operator; the job needs as many free task slots.
        </div>
      </div>
    </fieldset>
  );
}
