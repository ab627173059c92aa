// One loopback rule for the provider (plain http only to loopback) and the simulator (listens on
// loopback only): every spelling of a loopback host, and the near misses.
import { isLoopbackHost } from "../../common/loopback";
import {
  isLoopbackHost as providerIsLoopbackHost,
  serviceUrlProblem,
} from "../../provider/client/urls";
import { startSimulator } from "../../simulator/server";

const LOOPBACK: readonly (readonly [string, string])[] = [
  ["localhost", "the name"],
  ["LOCALHOST", "the name in upper case"],
  ["LocalHost", "the name in mixed case"],
  ["localhost.", "the name with a trailing dot"],
  ["LOCALHOST.", "the name in upper case with a trailing dot"],
  ["127.0.0.1", "the usual IPv4 address"],
  ["127.255.255.254", "another address in 127/8"],
  ["127.0.0.1.", "an IPv4 address with a trailing dot"],
  ["127.1", "IPv4 in short form"],
  ["0x7f000001", "IPv4 in hex"],
  ["2130706433", "IPv4 as one decimal number"],
  ["::1", "IPv6 loopback"],
  ["[::1]", "IPv6 loopback in brackets"],
  ["0:0:0:0:0:0:0:1", "IPv6 loopback written out"],
  ["[0:0:0:0:0:0:0:1]", "IPv6 loopback written out, in brackets"],
  ["0000:0000:0000:0000:0000:0000:0000:0001", "IPv6 loopback with leading zeros"],
  ["0::1", "IPv6 loopback partly compressed"],
  ["::ffff:127.0.0.1", "IPv4-mapped IPv6 of 127.0.0.1"],
  ["[::ffff:127.0.0.1]", "IPv4-mapped IPv6 in brackets"],
  ["::ffff:7f00:1", "IPv4-mapped IPv6 in hex, as URL writes it"],
  ["[::FFFF:7F00:1]", "IPv4-mapped IPv6 in upper-case hex"],
  ["::ffff:127.9.8.7", "IPv4-mapped IPv6 of another address in 127/8"],
  ["0:0:0:0:0:ffff:7f00:1", "IPv4-mapped IPv6 written out"],
];

const NOT_LOOPBACK: readonly (readonly [string, string])[] = [
  ["", "the empty string"],
  ["128.0.0.1", "an address outside 127/8"],
  ["126.255.255.255", "the address just below 127/8"],
  ["0.0.0.0", "the any address"],
  ["::", "the IPv6 any address"],
  ["::2", "an IPv6 address next to ::1"],
  ["[::2]", "an IPv6 address next to ::1, in brackets"],
  ["::7f00:1", "an IPv4-compatible (not mapped) address"],
  ["::ffff:128.0.0.1", "IPv4-mapped IPv6 outside 127/8"],
  ["localhost.example.com", "a name that starts with localhost"],
  ["a.localhost", "a name under localhost, which the resolver may send elsewhere"],
  ["localhost..", "the name with two trailing dots"],
  ["127.0.0.1.example.com", "a name that starts with a loopback address"],
  ["localhost:80", "a host with a port"],
  ["127.0.0.1:80", "an address with a port"],
  ["localhost/x", "a host with a path"],
  ["user@localhost", "a host with user info"],
  ["%6cocalhost", "a percent-escaped name"],
  ["fe80::1%eth0", "an address with a zone"],
  ["127.0.0.256", "an address that is not an address"],
  ["cpq.example.com", "a remote name"],
];

describe("isLoopbackHost", () => {
  it.each(LOOPBACK)("says %s (%s) is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(NOT_LOOPBACK)("says %s (%s) is not loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it("is the very function the provider's URL rule uses", () => {
    expect(providerIsLoopbackHost).toBe(isLoopbackHost);
  });

  it.each(LOOPBACK.filter(([host]) => !host.includes(":") || host.startsWith("[")))(
    "lets the provider use plain http to %s (%s)",
    (host) => {
      expect(serviceUrlProblem(`http://${host}:8080/`)).toBeUndefined();
    },
  );

  // Refused before anything listens, so this starts no server.
  it.each(NOT_LOOPBACK.filter(([host]) => host !== ""))(
    "has the simulator refuse to listen on %s (%s)",
    async (host) => {
      await expect(startSimulator({ host })).rejects.toThrow(/listens on loopback only/);
    },
  );
});
