import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { CliError } from "./errors.js";

/** The holder refreshes its lock's mtime this often, so a lock from another host can be judged stale. */
export const LOCK_HEARTBEAT_MS = 10_000;
/** A lock whose holder is on another host (a shared file system) is stale when not refreshed for this long. */
export const LOCK_STALE_MS = 60_000;

/** What a lock file says about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Unique per acquisition, so a holder releases only its own lock. */
  token: string;
}

/** A taken lock; `release()` removes it (also run on process exit). */
export interface OutputLock {
  readonly path: string;
  release(): void;
}

/** Injected for tests: the host name, and whether a pid runs on this host. */
export interface LockEnv {
  host: string;
  alive(pid: number): boolean;
  now(): number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as { code?: string }).code === "EPERM";
  }
}

const realEnv: LockEnv = { host: hostname(), alive: pidAlive, now: () => Date.now() };

function readHolder(path: string): { holder: LockHolder | null; mtimeMs: number } | null {
  try {
    const mtimeMs = statSync(path).mtimeMs;
    let holder: LockHolder | null = null;
    try {
      const v = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
      if (typeof v.pid === "number" && typeof v.host === "string" && typeof v.token === "string")
        holder = v as LockHolder;
    } catch {
      // Empty or cut off: the holder died between creating and writing it, or is writing it now.
    }
    return { holder, mtimeMs };
  } catch {
    return null; // gone meanwhile
  }
}

/** Why a lock is stale, or null when its holder may still be running. */
function staleReason(found: { holder: LockHolder | null; mtimeMs: number }, env: LockEnv): string | null {
  const { holder, mtimeMs } = found;
  const age = env.now() - mtimeMs;
  if (holder !== null && holder.host === env.host) {
    return env.alive(holder.pid) ? null : `pid ${holder.pid} on ${holder.host} is gone`;
  }
  // Another host (we cannot see its processes) or an unreadable lock: only the heartbeat tells.
  if (age > LOCK_STALE_MS) {
    return `${holder ? `pid ${holder.pid} on ${holder.host}` : "its holder"} has not refreshed it for ${Math.round(age / 1000)} s`;
  }
  return null;
}

/**
 * Take the lock `<target>.lock` for writing `target`, atomically (`O_EXCL`), or
 * refuse with one line naming the holder. A stale lock (its process gone on
 * this host, or not refreshed for {@link LOCK_STALE_MS} from another host) is
 * removed with a note on stderr and the lock taken. The holder refreshes the
 * lock's mtime every {@link LOCK_HEARTBEAT_MS}; it is removed on release and on
 * process exit. `flag` names the output in messages (`--out`).
 */
export function lockOutput(flag: string, target: string, env: LockEnv = realEnv): OutputLock {
  const path = `${target}.lock`;
  const me: LockHolder = {
    pid: process.pid,
    host: env.host,
    since: new Date(env.now()).toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") {
        throw new CliError(`cannot lock ${flag} ${target}: cannot create ${path}: ${(error as Error).message}`);
      }
      const found = readHolder(path);
      if (found === null) continue; // released meanwhile: try again
      const why = staleReason(found, env);
      const who = found.holder
        ? `pid ${found.holder.pid} on ${found.holder.host} since ${found.holder.since}`
        : "a process that is still creating it";
      if (why === null || attempt >= 3) {
        throw new CliError(
          `${flag} ${target} is being written by another rxsim (${who}; lock ${path}): wait for it to finish, or give this run another ${flag}`,
        );
      }
      breakStale(path, found.holder);
      process.stderr.write(`rxsim: removed the stale lock ${path} (${why})\n`);
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    break;
  }
  const heartbeat = setInterval(() => {
    const t = new Date(env.now());
    try {
      utimesSync(path, t, t);
    } catch {
      // Removed under us: release() finds out; nothing to refresh.
    }
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    process.removeListener("exit", release);
    const found = readHolder(path);
    if (found?.holder?.token === me.token) rmSync(path, { force: true });
  };
  process.on("exit", release);
  return { path, release };
}

/**
 * Remove a stale lock without removing a fresh one another process took
 * meanwhile: move it aside atomically, and put it back if it is not the one
 * judged stale.
 */
function breakStale(path: string, judged: LockHolder | null): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else removed it first
  }
  const moved = readHolder(aside);
  if ((moved?.holder?.token ?? null) !== (judged?.token ?? null)) {
    // A fresh lock: restore it unless yet another one exists (then its holders race; the next attempt sees it).
    try {
      const fd = openSync(path, "wx");
      closeSync(fd);
      renameSync(aside, path);
      return;
    } catch {
      // fall through
    }
  }
  rmSync(aside, { force: true });
}
