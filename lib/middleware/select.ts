/**
 * SELECT changes the connection's database: once the server accepted it,
 * new connections (and the blocking one) use it, and the client emits
 * ioredis's 'select' event.
 */
import type { Stage } from "../chain/middleware";

export function selectStage(selected: (db: number) => void): Stage {
  return {
    appliesTo: (command, spec) => spec.selectsDatabase,
    handle(call, next) {
      return next(call).then((reply) => {
        const db = parseInt(String(call.args[0]), 10);
        if (Number.isInteger(db)) selected(db);
        return reply;
      });
    },
  };
}
