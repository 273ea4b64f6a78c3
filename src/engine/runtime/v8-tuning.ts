/**
 * V8 settings the engine relies on, applied when the engine loads (CLI, web host, Electron main, benchmarks alike).
 *
 * A fused chain (`fusion.ts`) is one loop into which V8 inlines the source's record generator, each operator's
 * compiled expression and step, and what those call. V8's default budget for all the code inlined into one function
 * (920 bytes of bytecode) runs out part-way through such a loop, and the calls left behind cost a fifth of the
 * throughput; 2,000 fits the chains the node types make. It changes what gets inlined, nothing else.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--max-inlined-bytecode-size-cumulative=2000');
