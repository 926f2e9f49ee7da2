/**
 * The built-in stages of a client's chains, outermost first (docs/MIDDLEWARE.md
 * shows where user middleware goes: after these, before the reply shaper).
 */
import type { Call } from "../chain/call";
import type { Stage } from "../chain/middleware";
import { argumentNormalizer } from "../middleware/normalize";
import { nativeMethodResolver } from "../middleware/resolve";
import { ScriptCache, scriptCacheStage } from "../middleware/scripts";
import { selectStage } from "../middleware/select";
import { PubSubRouter, pubSubStage } from "../pubsub/router";

export interface StageParts {
  keyPrefix: () => string | Buffer;
  /** bytes that are not UTF-8 went out: decode replies as Buffers from now on */
  sawBinaryArgument: () => void;
  binary: () => boolean;
  isCluster: boolean;
  /** a Cluster with scaleReads "slave": readOnly scripts may run on replicas */
  readsFromReplicas: boolean;
  scripts: ScriptCache;
  router: PubSubRouter;
  resp3: boolean;
  /** a (un)subscribe answered by the router went out (tracing) */
  subscriptionSent: (call: Call, outcome: Promise<unknown>) => void;
  /** SELECT ran */
  selected: (db: number) => void;
}

export function builtinStages(p: StageParts): Stage[] {
  return [
    argumentNormalizer(p.keyPrefix, p.sawBinaryArgument),
    nativeMethodResolver(p.binary, p.isCluster),
    scriptCacheStage(p.scripts, p.keyPrefix, p.isCluster && p.readsFromReplicas),
    pubSubStage(p.router, p.resp3, p.subscriptionSent),
    selectStage(p.selected),
  ];
}
