/**
 * The README and the pages under docs/ link only to files that exist and to headings those files have, so a page
 * moved or renamed cannot leave a reader at a dead link.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/child-server.js";

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");
}

function headingsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, "");
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] as string)));
}

/** `page: link (why)` for each relative link of `page` that leads nowhere. */
function deadLinks(page: string): string[] {
  const text = readFileSync(join(REPO_ROOT, page), "utf8").replace(/^```[\s\S]*?^```/gm, "");
  const dead: string[] = [];
  for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!link || /^[a-z]+:/.test(link)) continue;
    const [path = "", anchor] = link.split("#");
    const target = path ? normalize(join(dirname(page), path)) : page;
    if (!existsSync(join(REPO_ROOT, target))) {
      dead.push(`${page}: ${link} (no file ${target})`);
    } else if (anchor && target.endsWith(".md")) {
      if (!headingsOf(readFileSync(join(REPO_ROOT, target), "utf8")).has(anchor)) {
        dead.push(`${page}: ${link} (no heading #${anchor} in ${target})`);
      }
    }
  }
  return dead;
}

const pages = [
  "README.md",
  ...readdirSync(join(REPO_ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => relative(REPO_ROOT, join(REPO_ROOT, "docs", name))),
];

describe("the documentation's links", () => {
  it("lead to files and headings that exist", () => {
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.flatMap(deadLinks)).toEqual([]);
  });

  it("reach every page under docs/ from the README", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    expect(pages.filter((page) => page !== "README.md" && !readme.includes(`](${page})`))).toEqual([]);
  });

  it("make anchors as GitHub does", () => {
    expect(anchorOf("Checking a store: `ecs-vip check [--db URL]`")).toBe("checking-a-store-ecs-vip-check---db-url");
    expect(anchorOf("API reference: `/openapi.json` and `/docs`")).toBe("api-reference-openapijson-and-docs");
  });
});
