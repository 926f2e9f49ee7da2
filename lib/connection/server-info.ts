/**
 * What the handshake learns from INFO: whether the server is still loading,
 * and its version (Redis < 7.2 prints doubles with %.17g, later servers and
 * Valkey print the shortest form, which decides how parsed doubles are
 * printed back).
 */
import { formatDoubleG17, formatDoubleShortest } from "../commands/reply-values";

export interface ServerInfo {
  fields: Record<string, string>;
  loading: boolean;
  loadingEtaMs: number;
  formatDouble: (value: number) => string;
}

export function parseInfo(text: string): ServerInfo {
  const fields: Record<string, string> = {};
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && colon < line.length - 1) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  const loading = fields.loading !== undefined && fields.loading !== "0";
  return {
    fields,
    loading,
    loadingEtaMs: (Number(fields.loading_eta_seconds) || 1) * 1000,
    formatDouble: printsShortestDoubles(fields) ? formatDoubleShortest : formatDoubleG17,
  };
}

function printsShortestDoubles(fields: Record<string, string>): boolean {
  if (fields.valkey_version || fields.server_name === "valkey") return true;
  const [major, minor] = (fields.redis_version || "0.0").split(".").map(Number);
  return major > 7 || (major === 7 && minor >= 2);
}
