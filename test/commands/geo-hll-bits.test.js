"use strict";
const { family } = require("./differential");

const g = (o) => o.geoadd("g", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania");

family("geo-hyperloglog-bitmaps", 8, [
  [
    "GEOADD and options",
    (c) =>
      Promise.all([
        c.geoadd("g", 13.361389, 38.115556, "Palermo"),
        c.geoadd("g", "CH", 13.4, 38.1, "Palermo"),
        c.geoadd("g", "NX", 1, 1, "Palermo"),
      ]),
  ],
  ["GEOADD invalid coordinates", (c) => c.geoadd("g", 200, 100, "x")],
  ["GEOPOS", (c) => c.geopos("g", "Palermo", "nope", "Catania"), { setup: g }],
  [
    "GEODIST units",
    (c) =>
      Promise.all([
        c.geodist("g", "Palermo", "Catania"),
        c.geodist("g", "Palermo", "Catania", "km"),
        c.geodist("g", "Palermo", "nope"),
      ]),
    { setup: g },
  ],
  ["GEOHASH", (c) => c.geohash("g", "Palermo", "nope"), { setup: g }],
  ["GEOSEARCH plain", (c) => c.geosearch("g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km", "ASC"), { setup: g }],
  [
    "GEOSEARCH WITHDIST WITHCOORD WITHHASH",
    (c) => c.geosearch("g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km", "ASC", "WITHDIST", "WITHCOORD", "WITHHASH"),
    { setup: g },
  ],
  [
    "GEOSEARCH WITHDIST only, BYBOX",
    (c) =>
      Promise.all([
        c.geosearch("g", "FROMMEMBER", "Palermo", "BYRADIUS", 300, "km", "WITHDIST"),
        c.geosearch("g", "FROMLONLAT", 15, 37, "BYBOX", 400, 400, "km", "ASC", "WITHCOORD"),
      ]),
    { setup: g },
  ],
  [
    "GEOSEARCHSTORE",
    (c) =>
      Promise.all([
        c.geosearchstore("d", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km"),
        c.geosearchstore("e", "g", "FROMLONLAT", 15, 37, "BYRADIUS", 200, "km", "STOREDIST"),
        c.zrange("e", 0, -1, "WITHSCORES"),
      ]),
    { setup: g },
  ],
  [
    "GEORADIUS WITHDIST WITHCOORD",
    (c) => c.georadius("g", 15, 37, 200, "km", "WITHDIST", "WITHCOORD", "ASC"),
    { setup: g },
  ],
  [
    "GEORADIUSBYMEMBER WITHHASH",
    (c) => c.georadiusbymember("g", "Palermo", 200, "km", "WITHHASH", "ASC"),
    { setup: g },
  ],
  ["GEORADIUS_RO", (c) => c.georadius_ro("g", 15, 37, 200, "km", "WITHDIST"), { setup: g }],
  [
    "PFADD PFCOUNT PFMERGE",
    (c) =>
      Promise.all([
        c.pfadd("h1", "a", "b", "c"),
        c.pfadd("h1", "a"),
        c.pfadd("h2", "c", "d"),
        c.pfcount("h1", "h2"),
        c.pfmerge("h3", "h1", "h2"),
        c.pfcount("h3"),
      ]),
  ],
  ["PFCOUNT wrong type", (c) => c.pfcount("s"), { setup: (o) => o.set("s", "not hll") }],
  [
    "SETBIT GETBIT BITCOUNT",
    (c) =>
      Promise.all([
        c.setbit("b", 7, 1),
        c.setbit("b", 7, 0),
        c.setbit("b", 100, 1),
        c.getbit("b", 100),
        c.bitcount("b"),
        c.bitcount("b", 0, 5, "BYTE"),
      ]),
  ],
  [
    "BITPOS",
    (c) => Promise.all([c.bitpos("b", 1), c.bitpos("b", 0, 2), c.bitpos("nope", 1)]),
    { setup: (o) => o.set("b", Buffer.from([0x00, 0xff, 0xf0])) },
  ],
  [
    "BITOP",
    (c) => Promise.all([c.bitop("AND", "d", "a", "b"), c.bitop("NOT", "e", "a"), c.getBuffer("d"), c.getBuffer("e")]),
    {
      setup: async (o) => {
        await o.set("a", Buffer.from([0b1100]));
        await o.set("b", Buffer.from([0b1010]));
      },
    },
  ],
  [
    "BITFIELD",
    (c) =>
      c.bitfield(
        "bf",
        "SET",
        "u8",
        0,
        200,
        "GET",
        "u8",
        0,
        "INCRBY",
        "u8",
        0,
        100,
        "OVERFLOW",
        "FAIL",
        "INCRBY",
        "u8",
        0,
        100,
      ),
  ],
  ["BITFIELD_RO", (c) => c.bitfield_ro("bf", "GET", "u4", 0), { setup: (o) => o.set("bf", Buffer.from([0xf0])) }],
  ["GETBIT out of range offset", (c) => c.getbit("b", -1)],
]);
