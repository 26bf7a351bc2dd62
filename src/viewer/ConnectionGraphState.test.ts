import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ConnectionGraphUpdate } from "../protocol/index.js";
import {
  applyConnectionGraphUpdate,
  EMPTY_CONNECTION_GRAPH,
  type ConnectionGraph,
} from "./ConnectionGraphState.js";

const update = (u: Partial<Omit<ConnectionGraphUpdate, "op">>): ConnectionGraphUpdate => ({
  op: "connectionGraphUpdate",
  publishedTopics: [],
  subscribedTopics: [],
  advertisedServices: [],
  removedTopics: [],
  removedServices: [],
  ...u,
});
const json = (g: ConnectionGraph) => JSON.parse(JSON.stringify(g)) as unknown;

describe("applyConnectionGraphUpdate", () => {
  test("the initial update (a diff against the empty graph) becomes the whole graph, sorted", () => {
    const g = applyConnectionGraphUpdate(
      EMPTY_CONNECTION_GRAPH,
      update({
        publishedTopics: [
          { name: "/t2", publisherIds: ["p2"] },
          { name: "/t1", publisherIds: ["p3", "p1", "p1"] },
        ],
        subscribedTopics: [{ name: "/t1", subscriberIds: ["s1"] }],
        advertisedServices: [{ name: "/srv", providerIds: ["n1"] }],
      }),
    );
    assert.deepEqual(json(g), {
      publishedTopics: { "/t1": ["p1", "p3"], "/t2": ["p2"] },
      subscribedTopics: { "/t1": ["s1"] },
      advertisedServices: { "/srv": ["n1"] },
    });
    assert.deepEqual(Object.keys(g.publishedTopics), ["/t1", "/t2"]);
    assert.deepEqual(json(EMPTY_CONNECTION_GRAPH), {
      publishedTopics: {},
      subscribedTopics: {},
      advertisedServices: {},
    });
  });

  test("a diff replaces changed id lists, keeps the rest, and removes topics and services", () => {
    const before = applyConnectionGraphUpdate(
      EMPTY_CONNECTION_GRAPH,
      update({
        publishedTopics: [
          { name: "/a", publisherIds: ["p1"] },
          { name: "/b", publisherIds: ["p2"] },
        ],
        subscribedTopics: [
          { name: "/a", subscriberIds: ["s1"] },
          { name: "/c", subscriberIds: ["s2"] },
        ],
        advertisedServices: [
          { name: "/s1", providerIds: ["n1"] },
          { name: "/s2", providerIds: ["n2"] },
        ],
      }),
    );
    const after = applyConnectionGraphUpdate(
      before,
      update({
        publishedTopics: [{ name: "/b", publisherIds: ["p9"] }],
        subscribedTopics: [{ name: "/d", subscriberIds: [] }],
        advertisedServices: [{ name: "/s3", providerIds: ["n3"] }],
        removedTopics: ["/a", "/unknown"],
        removedServices: ["/s1"],
      }),
    );
    assert.deepEqual(json(after), {
      publishedTopics: { "/b": ["p9"] },
      subscribedTopics: { "/c": ["s2"], "/d": [] },
      advertisedServices: { "/s2": ["n2"], "/s3": ["n3"] },
    });
    // The input graph is not modified.
    assert.deepEqual(before.publishedTopics, { "/a": ["p1"], "/b": ["p2"] });
  });

  test("a name both changed and removed in one update ends up removed", () => {
    const g = applyConnectionGraphUpdate(
      EMPTY_CONNECTION_GRAPH,
      update({
        publishedTopics: [{ name: "/x", publisherIds: ["p"] }],
        advertisedServices: [{ name: "/s", providerIds: ["n"] }],
        removedTopics: ["/x"],
        removedServices: ["/s"],
      }),
    );
    assert.deepEqual(json(g), {
      publishedTopics: {},
      subscribedTopics: {},
      advertisedServices: {},
    });
  });
});
