/**
 * `ioredis/built/utils`, as far as code outside ioredis imports it (BullMQ's
 * tests compare their copy of the closed-connection message with it).
 */
export { CONNECTION_CLOSED_ERROR_MSG } from "./errors";
export { parseURL } from "./options";
