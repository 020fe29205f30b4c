import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-support/run-cli.js";
import { createLineAppender, writeFileAtomic } from "./jsonl-store.js";

describe("writeFileAtomic (the finished sweep's rewrite, merge and report outputs)", () => {
  it("leaves the previous file whole when the new one cannot be written beside it", () => {
    const dir = tempDir();
    const target = join(dir, "sweep.jsonl");
    writeFileSync(target, "good\n");
    // The sibling it writes first cannot be created: the write fails before the target is touched.
    mkdirSync(`${target}.tmp-${process.pid}`);
    expect(() => writeFileAtomic(target, "new\n")).toThrow();
    expect(readFileSync(target, "utf8")).toBe("good\n");
  });

  it("replaces a symlink's target, keeps the link, and leaves no sibling behind", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "real.jsonl"), "old\n");
    symlinkSync("real.jsonl", join(dir, "link.jsonl"));
    writeFileAtomic(join(dir, "link.jsonl"), "new\n");
    expect(readFileSync(join(dir, "real.jsonl"), "utf8")).toBe("new\n");
    expect(readdirSync(dir).sort()).toEqual(["link.jsonl", "real.jsonl"]);
  });
});

describe("createLineAppender", () => {
  it("appends lines in call order however the writes interleave", async () => {
    const path = join(tempDir(), "a.jsonl");
    const a = createLineAppender(path);
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.append(`${i}\n`)));
    await a.drain();
    expect(readFileSync(path, "utf8")).toBe(Array.from({ length: 50 }, (_, i) => `${i}\n`).join(""));
  });

  it("reports the first write error on drain", async () => {
    const a = createLineAppender(join(tempDir(), "no-such-dir", "a.jsonl"));
    await a.append("x\n");
    await expect(a.drain()).rejects.toThrow(/ENOENT/);
  });
});
