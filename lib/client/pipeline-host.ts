/**
 * What a client's pipelines and transactions run through (PipelineHost):
 * its chain for each command, its executor for MULTI/EXEC, its tracer for
 * ioredis:batch, its defined scripts. An object of its own, so these are
 * not methods on the client (where a defined command could shadow them).
 */
import type { CommandChains } from "../chain/chains";
import type { Executor } from "../executor/executor";
import type { ScriptCache } from "../middleware/scripts";
import type { PipelineHost } from "../pipeline/pipeline";
import type { CallTracer } from "../tracing";

export function pipelineHost(parts: {
  runCall: PipelineHost["runCall"];
  executor: Executor;
  tracer: CallTracer;
  chains: CommandChains;
  scripts: ScriptCache;
  captureCallerStack: PipelineHost["captureCallerStack"];
}): PipelineHost {
  const { executor, tracer, chains, scripts } = parts;
  return {
    runCall: parts.runCall,
    traceBatch: (size, exec) => tracer.batch(size, exec),
    submitTransaction: (transaction) => executor.submitTransaction(transaction),
    // a refused transaction: its WATCHes go, as the server's EXECABORT drops them
    transactionDiscarded: () => executor.dropWatches(),
    needsPromise: (command) => chains.middleware.length > 0 || scripts.has(command),
    definedCommandNames: () => scripts.names(),
    captureCallerStack: parts.captureCallerStack,
  };
}
