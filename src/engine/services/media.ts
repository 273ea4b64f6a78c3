/**
 * Media: this machine's encoders and capture devices, and the exact ffmpeg command a media group runs.
 */
import type { ParameterChoice } from '../../shared/parameters';
import { StudioError, type MediaCommand, type StudioMethods } from '../../shared/api';
import type { PipelineDocument } from '../../shared/document';
import type { NodeRegistry } from '../contract/registry';
import { shellLine } from '../media/command';
import { listMediaDevices } from '../media/devices';
import { encoderProbe } from '../media/encoders';
import { ffmpegPath } from '../media/ffmpeg';
import { mediaGroupsOf } from '../media/group';
import { planPipeline } from '../plan/plan';
import { validPipeline } from './valid';

export class MediaService implements Pick<StudioMethods, 'encoderProbe' | 'mediaCommand' | 'mediaDevices'> {
  constructor(private readonly registry: NodeRegistry) {}

  async encoderProbe(refresh: boolean) {
    return encoderProbe({ refresh });
  }

  async mediaCommand(doc: PipelineDocument, nodeId: string, params?: ParameterChoice): Promise<MediaCommand> {
    const pipeline = validPipeline(doc, this.registry, 'first', params);
    const group = mediaGroupsOf(planPipeline(pipeline).mediaGroups).get(nodeId);
    if (!group) throw new StudioError(`"${nodeId}" is not a media node`, 'invalid');
    const choice = await group.chooseEncoder();
    if (!choice.encoder) throw new StudioError(choice.error!, 'invalid');
    const args = group.command();
    return { nodes: [...group.members], binary: ffmpegPath(), args, shell: shellLine(ffmpegPath(), args) };
  }

  async mediaDevices() {
    return listMediaDevices();
  }
}
