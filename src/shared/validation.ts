/**
 * Validation results: every problem found in a document, each naming its place.
 */
export type IssueCode =
  | 'json-syntax'
  | 'version'
  | 'structure'
  | 'unknown-node-type'
  | 'duplicate-id'
  | 'config'
  | 'unknown-node'
  | 'unknown-port'
  | 'port-type'
  | 'cycle'
  | 'media-group'
  | 'executor'
  | 'secret'
  | 'expression'
  | 'parameter';

export interface ValidationIssue {
  code: IssueCode;
  /** JSON pointer into the document, e.g. `/nodes/2/config/expression`. */
  pointer: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** The file it is in when that is not the pipeline's own (an environment file). */
  file?: string;
  /** 1-based line and column in the file, where known. */
  line?: number;
  column?: number;
  /** A warning: worth reading, but the pipeline can run (absent: an error, which keeps it from running). */
  severity?: 'warning';
}

/** Whether an issue keeps the pipeline from running (warnings do not). */
export const isError = (issue: ValidationIssue): boolean => issue.severity !== 'warning';

export interface ValidationResult {
  ok: boolean;
  issues: ValidationIssue[];
}

/** Format an issue as one line, `file:line:col pointer (node x): message`. */
export function formatIssue(issue: ValidationIssue, file?: string): string {
  const where = [issue.file ?? file, issue.line !== undefined ? `${issue.line}:${issue.column ?? 1}` : undefined]
    .filter(Boolean)
    .join(':');
  const subject = issue.nodeId ? ` node "${issue.nodeId}"` : issue.edgeId ? ` edge "${issue.edgeId}"` : '';
  return `${where ? where + ' ' : ''}${issue.severity === 'warning' ? 'warning: ' : ''}${issue.pointer || '/'}${subject}: ${issue.message}`;
}
