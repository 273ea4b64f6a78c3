/** The parts of the `webhdfs` package (1.2, no types of its own) Sluice uses. */
declare module 'webhdfs' {
  import type { Writable } from 'node:stream';

  interface WebHdfsOptions {
    host: string;
    port: number | string;
    path?: string;
    protocol?: string;
    user?: string;
  }

  interface FileStatus {
    pathSuffix: string;
    type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
    length: number;
    modificationTime: number;
  }

  type Callback<T = void> = (err: Error | null | undefined, value?: T) => void;

  interface WebHdfsClient {
    writeFile(path: string, data: Buffer, append: boolean, opts: Record<string, unknown>, callback: Callback): Writable;
    mkdir(path: string, mode: string | null, callback: Callback): void;
    stat(path: string, callback: Callback<FileStatus>): void;
    readdir(path: string, callback: Callback<FileStatus[]>): void;
    unlink(path: string, recursive: boolean, callback: Callback): void;
    rename(path: string, destination: string, callback: Callback): void;
    readFile(path: string, callback: Callback<Buffer>): void;
    /* Internals (stable since 1.0) used for the operations the package has no method for, or whose answer it drops. */
    _getOperationEndpoint(op: string, path: string, params?: Record<string, unknown>): string;
    _sendRequest(
      method: string,
      url: string,
      callback: (err: Error | null, res?: { statusCode: number }, body?: unknown) => void,
    ): void;
    _parseError(body: unknown, strict: boolean, statusCode?: number): Error | undefined;
    _isError(res: { statusCode: number }): boolean;
  }

  const webhdfs: { createClient(opts: WebHdfsOptions, requestParams?: Record<string, unknown>): WebHdfsClient };
  export default webhdfs;
  export type { FileStatus, WebHdfsClient };
}
