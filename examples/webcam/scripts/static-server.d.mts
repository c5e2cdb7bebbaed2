import type { IncomingMessage, ServerResponse } from 'node:http';
export declare const ISOLATION_HEADERS: Record<string, string>;
export declare function serveDir(prefix: string, dir: string): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
export declare function startStaticServer(routes: { prefix: string; dir: string }[]): Promise<{ url: string; close(): Promise<void> }>;
