/**
 * Flink in the studio: its connection profiles, and "Show Flink job" — the exact SQL a deploy would run.
 * (Running on Flink is the run service's: a run's target.)
 */
import type { ParameterChoice } from '../../shared/parameters';
import { StudioError, type StudioMethods } from '../../shared/api';
import type { FlinkJobView, FlinkProfileSettings } from '../../shared/flink';
import type { PipelineDocument } from '../../shared/document';
import type { ValidationIssue } from '../../shared/validation';
import type { NodeRegistry } from '../contract/registry';
import { LOCAL_PROFILE } from '../connectors/settings';
import { deleteFlinkProfile, listFlinkProfiles, readFlinkProfiles, saveFlinkProfile } from '../flink/cluster';
import { checkCompiles, compileForFlink, FlinkCompileError } from '../flink/deploy';
import { refusalIssues } from '../flink/part';
import { inferSchema } from '../flink/schema';
import type { KafkaSourceConfig } from '../nodes/kafka/source/config';
import { validPipeline } from './valid';
import { asStudioError } from './profiles';

type FlinkMethods = Pick<
  StudioMethods,
  'flinkProfiles' | 'flinkSaveProfile' | 'flinkDeleteProfile' | 'flinkJob' | 'flinkProblems' | 'kafkaInferSchema'
>;

export class FlinkService implements FlinkMethods {
  constructor(private readonly registry: NodeRegistry) {}

  flinkProfiles = () => listFlinkProfiles();

  async flinkSaveProfile(name: string, profile: FlinkProfileSettings) {
    asStudioError('invalid', () => saveFlinkProfile(name, profile));
    return listFlinkProfiles();
  }

  async flinkDeleteProfile(name: string) {
    asStudioError('not-found', () => deleteFlinkProfile(name));
    return listFlinkProfiles();
  }

  async kafkaInferSchema(profile: string, topics: string[]) {
    try {
      return await inferSchema({ profile, topics } as KafkaSourceConfig, 200);
    } catch (err) {
      throw new StudioError(`cannot infer the schema: ${(err as Error).message}`, 'kafka');
    }
  }

  async flinkProblems(doc: PipelineDocument, params?: ParameterChoice): Promise<ValidationIssue[]> {
    let pipeline: ReturnType<typeof validPipeline>;
    try {
      pipeline = validPipeline(doc, this.registry, 'first', params);
    } catch {
      return []; // its own problems are the validation's to show
    }
    try {
      checkCompiles(pipeline);
      return [];
    } catch (err) {
      if (err instanceof FlinkCompileError) return refusalIssues(doc, err.refusals);
      throw err;
    }
  }

  async flinkJob(doc: PipelineDocument, profile: string, params?: ParameterChoice): Promise<FlinkJobView> {
    const pipeline = validPipeline(doc, this.registry, 'first', params);
    const settings =
      profile === LOCAL_PROFILE ? { parallelism: 1, checkpointIntervalMs: 5000 } : readFlinkProfiles()[profile];
    if (!settings) throw new StudioError(`no Flink connection profile "${profile}"`, 'not-found');
    try {
      const { part, script } = await compileForFlink(pipeline, settings);
      return {
        profile,
        sql: script.shown,
        nodes: part.nodes,
        bridges: part.bridges.map((b) => ({
          from: `${b.from.node}.${b.from.port}`,
          topic: b.topic,
          to: doc.edges.filter((e) => b.edges.includes(e.id)).map((e) => e.to.node),
        })),
      };
    } catch (err) {
      if (err instanceof FlinkCompileError)
        throw new StudioError(
          'the pipeline does not compile to a Flink job',
          'flink-compile',
          refusalIssues(doc, err.refusals),
        );
      throw new StudioError((err as Error).message, 'flink');
    }
  }
}
