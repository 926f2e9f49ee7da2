/**
 * Credentials out of what errors and traces show, as ioredis 6.1 redacts them
 * (its Command.redactSensitiveArgs): the `command` an error carries
 * (`{ name, args }`) never holds a password. Per command, what is replaced by
 * "[REDACTED]":
 *
 * - AUTH: every argument
 * - HELLO ... AUTH username password: the username and the password
 * - MIGRATE ... AUTH password / AUTH2 username password: the credentials
 * - ACL SETUSER username ...rules: the password rules (`>`, `<`, `#`, `!`)
 * - CONFIG SET parameter value ...: the values
 * - SENTINEL SET master option value ...: auth-pass and auth-user values
 * - SENTINEL CONFIG SET parameter value ...: the values
 */
export type Redaction = (args: readonly unknown[]) => unknown[];

const REDACTED = "[REDACTED]";

const tokenAt = (args: readonly unknown[], i: number): string | undefined =>
  i < args.length ? String(args[i]).toLowerCase() : undefined;

function redactAt(out: unknown[], i: number): void {
  if (i < out.length) out[i] = REDACTED;
}

/** The values of "parameter value ..." from `start`; with an odd count the pairs are unreliable: all of it. */
function parameterValues(args: readonly unknown[], start: number): unknown[] {
  const out = args.slice();
  const malformed = (args.length - start) % 2 !== 0;
  for (let i = start; i < args.length; i++) if (malformed || (i - start) % 2 === 1) out[i] = REDACTED;
  return out;
}

/** By lowercase command name (spec.ts puts each on its command's spec). */
export const REDACTIONS: Record<string, Redaction> = {
  auth: (args) => args.map(() => REDACTED),
  hello(args) {
    // HELLO [protover [AUTH username password] [SETNAME clientname]], scanned from the first argument.
    const out = args.slice();
    for (let i = 0; i < args.length; i++) {
      const token = tokenAt(args, i);
      if (token === "auth") {
        redactAt(out, i + 1);
        redactAt(out, i + 2);
        i += 2;
      } else if (token === "setname") i += 1;
    }
    return out;
  },
  migrate(args) {
    // MIGRATE host port key db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password] [KEYS ...]
    const out = args.slice();
    for (let i = 3; i < args.length; i++) {
      const token = tokenAt(args, i);
      if (token === "auth") {
        redactAt(out, i + 1);
        i += 1;
      } else if (token === "auth2") {
        redactAt(out, i + 1);
        redactAt(out, i + 2);
        i += 2;
      } else if (token === "keys") break;
    }
    return out;
  },
  acl(args) {
    const out = args.slice();
    if (tokenAt(args, 0) === "setuser")
      for (let i = 2; i < args.length; i++) if (/^[><#!]/.test(String(args[i]))) out[i] = REDACTED;
    return out;
  },
  config: (args) => (tokenAt(args, 0) === "set" ? parameterValues(args, 1) : args.slice()),
  sentinel(args) {
    if (tokenAt(args, 0) === "config" && tokenAt(args, 1) === "set") return parameterValues(args, 2);
    const out = args.slice();
    if (tokenAt(args, 0) === "set")
      for (let i = 2; i < args.length; i++) {
        const token = tokenAt(args, i);
        if (token === "auth-pass" || token === "auth-user") {
          redactAt(out, i + 1);
          i += 1;
        }
      }
    return out;
  },
};
