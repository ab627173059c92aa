// The simulator's state changes: a change is all or nothing, though a write no longer copies the
// state's maps (the speed of that is the bench's to measure, section 6).
import { resolveSeed } from "../../simulator/seed";
import { SimulatorState } from "../../simulator/state";

const login = (l: string) => ({
  login: l,
  authType: "oauth" as const,
  password: "",
  securityToken: "",
  tokenPresent: false,
});

describe("simulator state", () => {
  it("applies a change's writes and deletes together, when the change returns", async () => {
    const state = await SimulatorState.open(resolveSeed({}), undefined);
    await state.mutate((d) => {
      d.integrations["1001"] = { idp: login("a") };
      d.integrations["1002"] = { idp: login("b") };
    });
    await state.mutate((d) => {
      expect(Object.keys(d.integrations).sort()).toEqual(["1001", "1002"]);
      delete d.integrations["1001"];
      d.integrations["1003"] = { idp: login("c") };
      // Reads in the change see its own writes.
      expect("1001" in d.integrations).toBe(false);
      expect(Object.keys(d.integrations).sort()).toEqual(["1002", "1003"]);
      expect(d.integrations["1003"]?.idp?.login).toBe("c");
    });
    expect(Object.keys(state.value.integrations).sort()).toEqual(["1002", "1003"]);
  });

  it("leaves the state as it was when a change throws after writing", async () => {
    const state = await SimulatorState.open(resolveSeed({}), undefined);
    await state.mutate((d) => {
      d.integrations["1001"] = { idp: login("a") };
    });
    await expect(
      state.mutate((d) => {
        d.integrations["1001"] = { idp: login("changed") };
        delete d.integrations["1001"];
        d.integrations["1002"] = { idp: login("b") };
        d.users["1001"] = {
          firstName: "x",
          lastName: "y",
          email: "x@y",
          enabledForSso: true,
          externalSsoId: "",
        };
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(state.value.integrations).toEqual({ "1001": { idp: login("a") } });
    expect(state.value.users).toEqual({});
  });
});
