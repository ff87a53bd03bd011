import { describe, expect, it } from "vitest";
import { pageOf } from "../../../src/domain/paging/page.js";

const items = ["d", "a", "c", "b", "e"].map((id) => ({ id }));
const ids = (page: { id: string }[]) => page.map((item) => item.id);

describe("Neutron paging", () => {
  it("sorts by id and takes `limit` after the marker", () => {
    expect(ids(pageOf(items, {}))).toEqual(["a", "b", "c", "d", "e"]);
    expect(ids(pageOf(items, { limit: 2 }))).toEqual(["a", "b"]);
    expect(ids(pageOf(items, { limit: 2, marker: "b" }))).toEqual(["c", "d"]);
    expect(ids(pageOf(items, { limit: 0, marker: "c" }))).toEqual(["d", "e"]);
    expect(ids(pageOf(items, { marker: "zz" }))).toEqual([]);
  });

  it("with page_reverse takes the `limit` before the marker, still in ascending order", () => {
    expect(ids(pageOf(items, { limit: 2, reverse: true }))).toEqual(["d", "e"]);
    expect(ids(pageOf(items, { limit: 2, marker: "d", reverse: true }))).toEqual(["b", "c"]);
    expect(ids(pageOf(items, { marker: "c", reverse: true }))).toEqual(["a", "b"]);
  });
});
