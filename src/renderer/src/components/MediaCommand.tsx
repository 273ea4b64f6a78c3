import { currentChoice } from '../state/environments';
import { useState } from 'react';
import type { MediaCommand as Command } from '../../../shared/api';
import type { PipelineNode } from '../../../shared/document';
import { documentStore } from '../state/document';
import { downloadText } from '../state/files';
import { studioApi } from '../state/studio';

/** A shell script that runs the group's command by hand. */
function script(c: Command, pipelineName: string): string {
  return [
    '#!/bin/sh',
    `# The ffmpeg command Sluice runs for the media nodes ${c.nodes.join(', ')} of "${pipelineName}", fused into one process.`,
    '# (The burned-in clock, if any, starts at the time this was exported; -progress pipe:1 is what Sluice reads its metrics from.)',
    'set -e',
    `exec ${c.shell.replace(/^\S+/, '"${FFMPEG:-ffmpeg}"')}`,
    '',
  ].join('\n');
}

/**
 * For a media node, in the inspector: the exact ffmpeg command of its fused group, on request, with copy and
 * export as a shell script.
 */
export function MediaCommand({ node }: { node: PipelineNode }) {
  const [command, setCommand] = useState<Command>();
  const [error, setError] = useState<string>();
  const show = async () => {
    setError(undefined);
    try {
      setCommand(await studioApi().mediaCommand(documentStore.get().doc, node.id, currentChoice()));
    } catch (err) {
      setCommand(undefined);
      setError((err as Error).message);
    }
  };
  return (
    <section className="media-command" aria-label="ffmpeg command">
      <button type="button" onClick={() => void show()}>
        {command ? 'Show ffmpeg command again' : 'Show ffmpeg command'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {command && (
        <>
          <p className="hint">One process for {command.nodes.map((n) => `“${n}”`).join(', ')}:</p>
          <pre data-testid="ffmpeg-command">{command.shell}</pre>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(command.shell)}>
            Copy
          </button>{' '}
          <button
            type="button"
            onClick={() =>
              downloadText(`${node.id}-ffmpeg.sh`, script(command, documentStore.get().doc.name), 'text/x-shellscript')
            }
          >
            Export as script
          </button>
        </>
      )}
    </section>
  );
}
