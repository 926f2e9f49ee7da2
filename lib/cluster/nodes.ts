/**
 * The cluster's node list, as `cluster.nodes(role)` returns it: parsed from
 * CLUSTER NODES, refreshed after each (re)connect and every few seconds,
 * with ioredis's `+node` / `-node` / `refresh` events on changes.
 */
export interface NodeInfo {
  id: string;
  host: string;
  port: number;
  role: "master" | "slave";
  failed: boolean;
}

/** Parse CLUSTER NODES text: "<id> <ip:port@cport[,hostname]> <flags> <master> ...". */
export function parseClusterNodes(text: string): NodeInfo[] {
  const nodes: NodeInfo[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(" ");
    if (fields.length < 8) continue;
    const [id, address, flags] = fields;
    const hostPort = address.split("@")[0];
    const colon = hostPort.lastIndexOf(":");
    const host = hostPort.slice(0, colon);
    const port = Number(hostPort.slice(colon + 1));
    const flagList = flags.split(",");
    if (!host || !port || flagList.includes("noaddr") || flagList.includes("handshake")) continue;
    nodes.push({
      id,
      host,
      port,
      role: flagList.includes("master") ? "master" : "slave",
      failed: flagList.includes("fail") || flagList.includes("fail?"),
    });
  }
  return nodes;
}

export const nodeKey = (n: { host: string; port: number }): string => `${n.host}:${n.port}`;
